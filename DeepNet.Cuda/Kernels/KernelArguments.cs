#nullable enable
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepNet.Cuda.Kernels;

/// <summary>
/// Up to 8 dimension sizes or strides, passed by value to a kernel: mirrors <c>struct Dims</c> of
/// common.cuh (eight 64-bit integers).
/// </summary>
[InlineArray(MaxRank)]
internal struct Dims
{
    public const int MaxRank = 8;

    private long _element0;

    /// <summary>Sizes of a shape, or throws when the rank exceeds what the kernels take.</summary>
    public static Dims Of(ReadOnlySpan<int> values, string op)
    {
        CheckRank(values.Length, op);
        var d = default(Dims);
        for (int i = 0; i < values.Length; i++) d[i] = values[i];
        return d;
    }

    /// <summary>Row-major strides (in elements) of a shape.</summary>
    public static Dims StridesOf(ReadOnlySpan<int> shape, string op)
    {
        CheckRank(shape.Length, op);
        var d = default(Dims);
        long s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            d[i] = s;
            s *= shape[i];
        }
        return d;
    }

    public static void CheckRank(int rank, string op)
    {
        if (rank > MaxRank)
            throw new NotSupportedException($"{op}: the CUDA kernels take tensors of rank up to {MaxRank}, got rank {rank}.");
    }
}

/// <summary>Hyper-parameters of one optimizer kernel call: mirrors <c>struct OptParams</c> of optimizer.cu.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct OptimizerParams
{
    public float LearningRate, Beta1, Beta2, Epsilon, Momentum, Rho;
    public float Decay;
    public float C0, C1, C2;
    public float Mu, MuNext;
    public float LearningRatePower, L1, L2, L2Shrinkage, FtrlBeta;
    public int Nesterov, Centered, Amsgrad;
}

/// <summary>Geometry of one pooling call: mirrors <c>struct PoolParams</c> of pooling.cu.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PoolParams
{
    public int N, H, W, C, OutH, OutW;
    public int PoolH, PoolW, StrideH, StrideW, PadTop, PadLeft;
    public int IsMax;
}

/// <summary>Geometry of one convolution call: mirrors <c>struct ConvParams</c> of convolution.cu.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ConvParams
{
    public int N, H, W, Cin, KH, KW, Cout, OutH, OutW;
    public int StrideH, StrideW, DilationH, DilationW, PadTop, PadLeft;
    public int Groups, GroupIn, GroupOut;
}
