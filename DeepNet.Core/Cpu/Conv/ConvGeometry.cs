#nullable enable
namespace DeepNet.Backends.Cpu;

/// <summary>
/// Sizes of one NHWC convolution, checked against the tensors: x (N, H, W, Cin),
/// kernel (KH, KW, Cin/groups, Cout), y (N, OH, OW, Cout). Shared by the forward and both
/// backward kernels so every one of them validates the same way.
/// </summary>
internal readonly struct ConvGeometry
{
    public readonly int N, H, W, Cin, KH, KW, Cout, OH, OW;
    public readonly int StrideH, StrideW, DilationH, DilationW, PadTop, PadLeft;
    public readonly int Groups;

    /// <summary>Input channels per group (the kernel's third dimension).</summary>
    public readonly int GroupIn;

    /// <summary>Output channels per group.</summary>
    public readonly int GroupOut;

    /// <summary>Length of one im2col patch row of one group: KH·KW·GroupIn.</summary>
    public int PatchLength => KH * KW * GroupIn;

    /// <summary>True when the convolution is a plain matrix product over pixels (1×1, stride 1, no padding).</summary>
    public bool IsPointwise => KH == 1 && KW == 1 && StrideH == 1 && StrideW == 1 && PadTop == 0 && PadLeft == 0 && OH == H && OW == W && Groups == 1;

    /// <summary>True for a depthwise convolution (one input channel per group).</summary>
    public bool IsDepthwise => Groups == Cin && Groups > 1;

    private ConvGeometry(Shape x, Shape kernel, Shape y, in ConvSpec spec)
    {
        N = x[0]; H = x[1]; W = x[2]; Cin = x[3];
        KH = kernel[0]; KW = kernel[1]; Cout = kernel[3];
        OH = y[1]; OW = y[2];
        StrideH = spec.StrideH; StrideW = spec.StrideW;
        DilationH = spec.DilationH; DilationW = spec.DilationW;
        PadTop = spec.PadTop; PadLeft = spec.PadLeft;
        Groups = spec.Groups;
        GroupIn = kernel[2];
        GroupOut = Groups > 0 ? Cout / Groups : 0;
    }

    /// <summary>Validates the three shapes (x, kernel, y roles, whatever the op calls them) and the spec.</summary>
    public static ConvGeometry Create(string op, string xName, Tensor x, Tensor kernel, string yName, Tensor y, in ConvSpec spec)
    {
        if (x.Rank != 4)
            throw new ShapeMismatchException(op, $"{xName} must be rank 4 (N, H, W, C), got {xName} {x.Shape}.");
        if (kernel.Rank != 4)
            throw new ShapeMismatchException(op, $"kernel must be rank 4 (kh, kw, in/groups, out), got kernel {kernel.Shape}.");
        if (y.Rank != 4)
            throw new ShapeMismatchException(op, $"{yName} must be rank 4 (N, OH, OW, C), got {yName} {y.Shape}.");
        if (spec.StrideH < 1 || spec.StrideW < 1 || spec.DilationH < 1 || spec.DilationW < 1 || spec.Groups < 1
            || spec.PadTop < 0 || spec.PadBottom < 0 || spec.PadLeft < 0 || spec.PadRight < 0)
            throw new ArgumentException($"{op}: invalid convolution spec {spec}.");
        int groups = spec.Groups;
        int cin = x.Shape[3], cout = kernel.Shape[3];
        if (cin % groups != 0 || cout % groups != 0)
            throw new ShapeMismatchException(op, $"{groups} groups must divide the input channels of {xName} {x.Shape} and the output channels of kernel {kernel.Shape}.");
        if (kernel.Shape[2] * groups != cin)
            throw new ShapeMismatchException(op, $"kernel {kernel.Shape} with {groups} group(s) expects {kernel.Shape[2] * groups} input channels, got {xName} {x.Shape}.");
        int oh = spec.OutputHeight(x.Shape[1], kernel.Shape[0]);
        int ow = spec.OutputWidth(x.Shape[2], kernel.Shape[1]);
        if (y.Shape[0] != x.Shape[0] || y.Shape[1] != oh || y.Shape[2] != ow || y.Shape[3] != cout)
            throw new ShapeMismatchException(op, $"{xName} {x.Shape} and kernel {kernel.Shape} give an output of ({x.Shape[0]}, {oh}, {ow}, {cout}), got {yName} {y.Shape}.");
        CheckFloat(op, x); CheckFloat(op, kernel); CheckFloat(op, y);
        return new ConvGeometry(x.Shape, kernel.Shape, y.Shape, spec);
    }

    private static void CheckFloat(string op, Tensor t) => t.CheckDType(DType.Float32, op);
}
