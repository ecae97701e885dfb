#nullable enable
namespace DeepNet.Backends;

/// <summary>
/// Geometry of a 2-D convolution over NHWC tensors: strides, dilation, explicit padding per side
/// and groups (groups = input channels gives a depthwise convolution). Build it with
/// <see cref="Create"/> from Keras arguments so the padding follows TensorFlow's rule.
/// </summary>
public readonly record struct ConvSpec(
    int StrideH, int StrideW,
    int DilationH, int DilationW,
    int PadTop, int PadBottom, int PadLeft, int PadRight,
    int Groups = 1)
{
    /// <summary>Spec for an input of (height, width) and a kernel of (kh, kw), Keras-style.</summary>
    public static ConvSpec Create(
        int height, int width, int kernelH, int kernelW,
        (int H, int W) strides, (int H, int W) dilation, Padding padding, int groups = 1)
    {
        var (_, top, bottom) = PaddingMath.Compute(height, kernelH, strides.H, dilation.H, padding == Padding.Causal ? Padding.Valid : padding);
        var (_, left, right) = PaddingMath.Compute(width, kernelW, strides.W, dilation.W, padding);
        return new ConvSpec(strides.H, strides.W, dilation.H, dilation.W, top, bottom, left, right, groups);
    }

    /// <summary>Output height for an input height and kernel height.</summary>
    public int OutputHeight(int height, int kernelH) =>
        Math.Max(0, (height + PadTop + PadBottom - ((kernelH - 1) * DilationH + 1)) / StrideH + 1);

    /// <summary>Output width for an input width and kernel width.</summary>
    public int OutputWidth(int width, int kernelW) =>
        Math.Max(0, (width + PadLeft + PadRight - ((kernelW - 1) * DilationW + 1)) / StrideW + 1);
}
