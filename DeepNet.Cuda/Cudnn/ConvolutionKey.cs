#nullable enable
using DeepNet.Backends.Cpu;

namespace DeepNet.Cuda.Cudnn;

/// <summary>
/// One convolution geometry as cuDNN sees it (sizes, strides, dilation, the top/left padding it
/// applies on both sides, groups) plus whether TF32 is allowed: the key of the per-backend cache
/// of descriptors and chosen algorithms. Forward and both backward passes of one layer share it.
/// </summary>
internal readonly record struct ConvolutionKey(
    int N, int H, int W, int Cin,
    int KH, int KW, int Cout,
    int OH, int OW,
    int StrideH, int StrideW,
    int DilationH, int DilationW,
    int PadH, int PadW,
    int Groups,
    bool AllowTf32)
{
    public static ConvolutionKey From(in ConvGeometry g, bool allowTf32) => new(
        g.N, g.H, g.W, g.Cin, g.KH, g.KW, g.Cout, g.OH, g.OW,
        g.StrideH, g.StrideW, g.DilationH, g.DilationW, g.PadTop, g.PadLeft, g.Groups, allowTf32);
}
