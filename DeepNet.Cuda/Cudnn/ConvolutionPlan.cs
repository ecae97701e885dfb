#nullable enable
using static DeepNet.Cuda.Interop.Cudnn;

namespace DeepNet.Cuda.Cudnn;

/// <summary>The three passes of a convolution, each with its own cuDNN algorithm.</summary>
internal enum ConvolutionPass
{
    Forward,
    BackwardData,
    BackwardFilter,
}

/// <summary>
/// The cuDNN descriptors of one <see cref="ConvolutionKey"/> and the algorithm chosen for each
/// pass (cudnnGet*Algorithm_v7 heuristics, asked once per geometry). Tensors are NHWC; the
/// filter descriptor is (Cout, KH, KW, Cin/groups), cuDNN's NHWC filter layout, so Keras's
/// (KH, KW, Cin/groups, Cout) kernel is transposed around each call.
/// </summary>
internal sealed unsafe class ConvolutionPlan : IDisposable
{
    /// <summary>A chosen algorithm; Algo &lt; 0 means cuDNN offered none and the pass uses the own kernel.</summary>
    public readonly record struct Choice(int Algo, int MathType, nuint WorkspaceBytes);

    private readonly Choice?[] _choices = new Choice?[3];

    public ConvolutionKey Key { get; }
    public nint X { get; private set; }
    public nint Filter { get; private set; }
    public nint Convolution { get; private set; }
    public nint Y { get; private set; }

    private ConvolutionPlan(ConvolutionKey key) => Key = key;

    /// <summary>Builds the descriptors; returns cuDNN's first non-success status (the plan is then disposed and null).</summary>
    public static int TryCreate(in ConvolutionKey k, out ConvolutionPlan? plan)
    {
        var p = new ConvolutionPlan(k);
        nint d;
        int status = cudnnCreateTensorDescriptor(&d);
        if (status == 0) { p.X = d; status = cudnnSetTensor4dDescriptor(d, CUDNN_TENSOR_NHWC, CUDNN_DATA_FLOAT, k.N, k.Cin, k.H, k.W); }
        if (status == 0) status = cudnnCreateTensorDescriptor(&d);
        if (status == 0) { p.Y = d; status = cudnnSetTensor4dDescriptor(d, CUDNN_TENSOR_NHWC, CUDNN_DATA_FLOAT, k.N, k.Cout, k.OH, k.OW); }
        if (status == 0) status = cudnnCreateFilterDescriptor(&d);
        if (status == 0) { p.Filter = d; status = cudnnSetFilter4dDescriptor(d, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NHWC, k.Cout, k.Cin / k.Groups, k.KH, k.KW); }
        if (status == 0) status = cudnnCreateConvolutionDescriptor(&d);
        if (status == 0)
        {
            p.Convolution = d;
            status = cudnnSetConvolution2dDescriptor(d, k.PadH, k.PadW, k.StrideH, k.StrideW, k.DilationH, k.DilationW,
                CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT);
        }
        if (status == 0 && k.Groups > 1) status = cudnnSetConvolutionGroupCount(d, k.Groups);
        // The heuristics rank algorithms for the math type set here; FMA keeps TF32 out.
        if (status == 0) status = cudnnSetConvolutionMathType(d, k.AllowTf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH);
        if (status == 0)
        {
            // Never silently wrong: cuDNN's own output size must be the one the contract computed.
            int n, c, h, w;
            status = cudnnGetConvolution2dForwardOutputDim(d, p.X, p.Filter, &n, &c, &h, &w);
            if (status == 0 && (n != k.N || c != k.Cout || h != k.OH || w != k.OW))
            {
                p.Dispose();
                throw new InvalidOperationException($"cuDNN computes a ({n}, {h}, {w}, {c}) output for the convolution {k}, expected ({k.N}, {k.OH}, {k.OW}, {k.Cout}).");
            }
        }
        if (status != 0)
        {
            p.Dispose();
            plan = null;
            return status;
        }
        plan = p;
        return 0;
    }

    /// <summary>The cached algorithm of a pass, or null before the first query.</summary>
    public Choice? Chosen(ConvolutionPass pass) => _choices[(int)pass];

    public void Remember(ConvolutionPass pass, Choice choice) => _choices[(int)pass] = choice;

    /// <summary>Asks cuDNN's heuristics for the pass and picks the first usable result; returns the status.</summary>
    public int Choose(nint handle, ConvolutionPass pass, out Choice choice)
    {
        const int requested = 16;
        var results = stackalloc ConvolutionAlgoPerf[requested];
        int returned = 0;
        int status = pass switch
        {
            ConvolutionPass.Forward => cudnnGetConvolutionForwardAlgorithm_v7(handle, X, Filter, Convolution, Y, requested, &returned, results),
            ConvolutionPass.BackwardData => cudnnGetConvolutionBackwardDataAlgorithm_v7(handle, Filter, Y, Convolution, X, requested, &returned, results),
            _ => cudnnGetConvolutionBackwardFilterAlgorithm_v7(handle, X, Y, Convolution, Filter, requested, &returned, results),
        };
        choice = new Choice(-1, 0, 0);
        if (status != 0) return status;
        int index = CudnnRouting.PickAlgorithm(new ReadOnlySpan<ConvolutionAlgoPerf>(results, Math.Clamp(returned, 0, requested)), Key.AllowTf32);
        if (index < 0) return 0;
        int mathType = CudnnRouting.MathTypeFor(results[index].MathType, Key.AllowTf32);
        status = cudnnSetConvolutionMathType(Convolution, mathType);
        if (status != 0) return status;
        // The workspace for the math type it will really run with (the heuristic's figure is for its own).
        nuint bytes;
        int algo = results[index].Algo;
        status = pass switch
        {
            ConvolutionPass.Forward => cudnnGetConvolutionForwardWorkspaceSize(handle, X, Filter, Convolution, Y, algo, &bytes),
            ConvolutionPass.BackwardData => cudnnGetConvolutionBackwardDataWorkspaceSize(handle, Filter, Y, Convolution, X, algo, &bytes),
            _ => cudnnGetConvolutionBackwardFilterWorkspaceSize(handle, X, Y, Convolution, Filter, algo, &bytes),
        };
        if (status != 0) return status;
        choice = new Choice(algo, mathType, bytes);
        return 0;
    }

    public void Dispose()
    {
        // Statuses ignored: destroying a descriptor only frees host memory.
        if (X != 0) cudnnDestroyTensorDescriptor(X);
        if (Y != 0) cudnnDestroyTensorDescriptor(Y);
        if (Filter != 0) cudnnDestroyFilterDescriptor(Filter);
        if (Convolution != 0) cudnnDestroyConvolutionDescriptor(Convolution);
        X = Y = Filter = Convolution = 0;
    }
}
