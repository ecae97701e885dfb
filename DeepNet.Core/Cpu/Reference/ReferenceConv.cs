#nullable enable
namespace DeepNet.Backends.Cpu.Reference;

/// <summary>
/// Float64 reference of the NHWC convolution and its two gradients: the 3-D reference
/// (<see cref="ReferenceConv3D"/>) with depth 1. x (N, H, W, Cin), kernel (KH, KW, Cin/groups,
/// Cout), y (N, OH, OW, Cout). For tests only.
/// </summary>
public static class ReferenceConv
{
    /// <summary>Sizes of one convolution; OH and OW follow from the spec.</summary>
    public readonly record struct Dims(int N, int H, int W, int Cin, int KH, int KW, int Cout, ConvSpec Spec)
    {
        public int OH => Spec.OutputHeight(H, KH);

        public int OW => Spec.OutputWidth(W, KW);

        public int GroupIn => Cin / Spec.Groups;

        public int GroupOut => Cout / Spec.Groups;

        /// <summary>The same convolution as a 3-D one over a single depth plane.</summary>
        public ReferenceConv3D.Dims Volume => new(N, 1, H, W, Cin, 1, KH, KW, Cout,
            (1, Spec.StrideH, Spec.StrideW), (1, Spec.DilationH, Spec.DilationW), (0, Spec.PadTop, Spec.PadLeft), (1, OH, OW), Spec.Groups);
    }

    /// <summary>y[n, oh, ow, o] = Σ_{kh, kw, ci} x[n, ih, iw, group·GroupIn + ci] · kernel[kh, kw, ci, o] (cross-correlation, as Keras).</summary>
    public static double[] Forward(double[] x, double[] kernel, in Dims d) => ReferenceConv3D.Forward(x, kernel, d.Volume);

    /// <summary>dx = ∂⟨y, dy⟩/∂x.</summary>
    public static double[] BackwardData(double[] dy, double[] kernel, in Dims d) => ReferenceConv3D.BackwardData(dy, kernel, d.Volume);

    /// <summary>dKernel = ∂⟨y, dy⟩/∂kernel.</summary>
    public static double[] BackwardFilter(double[] x, double[] dy, in Dims d) => ReferenceConv3D.BackwardFilter(x, dy, d.Volume);
}
