#nullable enable
using DeepNet.Backends.Cpu;
using DeepNet.Cuda.Cudnn;

namespace DeepNet.Cuda;

// Convolution through cuDNN (cudnnConvolutionForward / BackwardData / BackwardFilter), NHWC.
// Geometries cuDNN cannot reproduce exactly (asymmetric "same" padding, see
// CudnnRouting.SymmetricPaddingFits) or reports as not supported stay on convolution.cu.
public sealed unsafe partial class CudaBackend
{
    private static readonly int[] s_kernelToCudnn = { 3, 0, 1, 2 }; // (KH, KW, Cin/g, Cout) → (Cout, KH, KW, Cin/g)
    private static readonly int[] s_kernelFromCudnn = { 1, 2, 3, 0 };

    /// <summary>
    /// Runs one pass through cuDNN; false when the own kernel must run instead (cuDNN off or absent,
    /// a geometry it cannot do exactly, or one it reports as not supported).
    /// <paramref name="a"/>/<paramref name="b"/>/<paramref name="output"/> are the pass's operands
    /// in LaunchConv's order: forward (x, kernel, y), backward data (dy, kernel, dx), backward filter (x, dy, dKernel).
    /// </summary>
    private bool TryCudnnConvolution(ConvolutionPass pass, in ConvGeometry g, Tensor a, Tensor b, Tensor output)
    {
        if (!_useCudnn || !CudnnRouting.CanConvolve(g, out _)) return false;
        EnterContext();
        var key = ConvolutionKey.From(g, AllowTf32);
        if (!_convolutionPlans.TryGetValue(key, out var plan))
        {
            int status = ConvolutionPlan.TryCreate(key, out plan);
            if (CudnnDeclined(status, "cudnnSet*Descriptor")) plan = null;
            _convolutionPlans[key] = plan;
        }
        if (plan is null) return false;
        var choice = plan.Chosen(pass);
        if (choice is null)
        {
            int status = plan.Choose(_cudnn, pass, out var chosen);
            if (CudnnDeclined(status, $"cudnnGetConvolution{pass}Algorithm_v7")) chosen = new ConvolutionPlan.Choice(-1, 0, 0);
            plan.Remember(pass, chosen);
            choice = chosen;
        }
        if (choice.Value.Algo < 0) return false;
        if (RunConvolution(plan, pass, choice.Value, a, b, output)) return true;
        // Declined at run time: remember, so later calls go straight to the own kernel.
        plan.Remember(pass, new ConvolutionPlan.Choice(-1, 0, 0));
        return false;
    }

    private bool RunConvolution(ConvolutionPlan plan, ConvolutionPass pass, ConvolutionPlan.Choice choice, Tensor a, Tensor b, Tensor output)
    {
        Interop.Cudnn.Check(Interop.Cudnn.cudnnSetConvolutionMathType(plan.Convolution, choice.MathType));
        var k = plan.Key;
        var cudnnKernelShape = new Shape(k.Cout, k.KH, k.KW, k.Cin / k.Groups);
        float one = 1f, zero = 0f;
        var workspace = Workspace(choice.WorkspaceBytes);
        ulong ws = workspace?.Address ?? 0;
        try
        {
            int status;
            switch (pass)
            {
                case ConvolutionPass.Forward:
                {
                    using var w = Tensor.Empty(cudnnKernelShape, DType.Float32, this);
                    Transpose(b, s_kernelToCudnn, w);
                    status = Interop.Cudnn.cudnnConvolutionForward(_cudnn, &one, plan.X, Ptr(a), plan.Filter, Ptr(w), plan.Convolution,
                        choice.Algo, ws, choice.WorkspaceBytes, &zero, plan.Y, Ptr(output));
                    break;
                }
                case ConvolutionPass.BackwardData:
                {
                    using var w = Tensor.Empty(cudnnKernelShape, DType.Float32, this);
                    Transpose(b, s_kernelToCudnn, w);
                    status = Interop.Cudnn.cudnnConvolutionBackwardData(_cudnn, &one, plan.Filter, Ptr(w), plan.Y, Ptr(a), plan.Convolution,
                        choice.Algo, ws, choice.WorkspaceBytes, &zero, plan.X, Ptr(output));
                    break;
                }
                default:
                {
                    using var dw = Tensor.Empty(cudnnKernelShape, DType.Float32, this);
                    status = Interop.Cudnn.cudnnConvolutionBackwardFilter(_cudnn, &one, plan.X, Ptr(a), plan.Y, Ptr(b), plan.Convolution,
                        choice.Algo, ws, choice.WorkspaceBytes, &zero, plan.Filter, Ptr(dw));
                    if (status == 0) Transpose(dw, s_kernelFromCudnn, output);
                    break;
                }
            }
            return !CudnnDeclined(status, $"cudnnConvolution{pass}");
        }
        finally
        {
            FreeWorkspace(workspace);
        }
    }
}
