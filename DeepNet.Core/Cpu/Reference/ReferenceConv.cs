#nullable enable
namespace DeepNet.Backends.Cpu.Reference;

/// <summary>
/// Float64 reference of the NHWC convolution and its two gradients, written straight from the
/// definitions with plain loops (no im2col, no transposition tricks, no intrinsics). Readable, slow,
/// for tests only. x (N, H, W, Cin), kernel (KH, KW, Cin/groups, Cout), y (N, OH, OW, Cout); output
/// channel o belongs to group o / (Cout/groups) and sees input channels of that group only.
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

        public int XIndex(int n, int h, int w, int c) => ((n * H + h) * W + w) * Cin + c;

        public int YIndex(int n, int oh, int ow, int o) => ((n * OH + oh) * OW + ow) * Cout + o;

        public int KIndex(int kh, int kw, int ci, int o) => ((kh * KW + kw) * GroupIn + ci) * Cout + o;
    }

    /// <summary>
    /// Input row of kernel row kh for output row oh (or −1 when it falls in the padding); the same
    /// rule, with the W fields, gives the input column.
    /// </summary>
    private static int InputRow(in Dims d, int oh, int kh)
    {
        int ih = oh * d.Spec.StrideH - d.Spec.PadTop + kh * d.Spec.DilationH;
        return ih >= 0 && ih < d.H ? ih : -1;
    }

    private static int InputColumn(in Dims d, int ow, int kw)
    {
        int iw = ow * d.Spec.StrideW - d.Spec.PadLeft + kw * d.Spec.DilationW;
        return iw >= 0 && iw < d.W ? iw : -1;
    }

    /// <summary>y[n, oh, ow, o] = Σ_{kh, kw, ci} x[n, ih, iw, group·GroupIn + ci] · kernel[kh, kw, ci, o] (cross-correlation, as Keras).</summary>
    public static double[] Forward(double[] x, double[] kernel, in Dims d)
    {
        var y = new double[d.N * d.OH * d.OW * d.Cout];
        for (int n = 0; n < d.N; n++)
        for (int oh = 0; oh < d.OH; oh++)
        for (int ow = 0; ow < d.OW; ow++)
        for (int kh = 0; kh < d.KH; kh++)
        for (int kw = 0; kw < d.KW; kw++)
        {
            int ih = InputRow(d, oh, kh), iw = InputColumn(d, ow, kw);
            if (ih < 0 || iw < 0) continue;
            for (int o = 0; o < d.Cout; o++)
            {
                int group = o / d.GroupOut;
                for (int ci = 0; ci < d.GroupIn; ci++)
                    y[d.YIndex(n, oh, ow, o)] += x[d.XIndex(n, ih, iw, group * d.GroupIn + ci)] * kernel[d.KIndex(kh, kw, ci, o)];
            }
        }
        return y;
    }

    /// <summary>dx = ∂⟨y, dy⟩/∂x: each term x[i]·kernel[k] of y[j] sends dy[j]·kernel[k] back to x[i].</summary>
    public static double[] BackwardData(double[] dy, double[] kernel, in Dims d)
    {
        var dx = new double[d.N * d.H * d.W * d.Cin];
        for (int n = 0; n < d.N; n++)
        for (int oh = 0; oh < d.OH; oh++)
        for (int ow = 0; ow < d.OW; ow++)
        for (int kh = 0; kh < d.KH; kh++)
        for (int kw = 0; kw < d.KW; kw++)
        {
            int ih = InputRow(d, oh, kh), iw = InputColumn(d, ow, kw);
            if (ih < 0 || iw < 0) continue;
            for (int o = 0; o < d.Cout; o++)
            {
                int group = o / d.GroupOut;
                for (int ci = 0; ci < d.GroupIn; ci++)
                    dx[d.XIndex(n, ih, iw, group * d.GroupIn + ci)] += dy[d.YIndex(n, oh, ow, o)] * kernel[d.KIndex(kh, kw, ci, o)];
            }
        }
        return dx;
    }

    /// <summary>dKernel = ∂⟨y, dy⟩/∂kernel: each term x[i]·kernel[k] of y[j] sends x[i]·dy[j] to kernel[k].</summary>
    public static double[] BackwardFilter(double[] x, double[] dy, in Dims d)
    {
        var dk = new double[d.KH * d.KW * d.GroupIn * d.Cout];
        for (int n = 0; n < d.N; n++)
        for (int oh = 0; oh < d.OH; oh++)
        for (int ow = 0; ow < d.OW; ow++)
        for (int kh = 0; kh < d.KH; kh++)
        for (int kw = 0; kw < d.KW; kw++)
        {
            int ih = InputRow(d, oh, kh), iw = InputColumn(d, ow, kw);
            if (ih < 0 || iw < 0) continue;
            for (int o = 0; o < d.Cout; o++)
            {
                int group = o / d.GroupOut;
                for (int ci = 0; ci < d.GroupIn; ci++)
                    dk[d.KIndex(kh, kw, ci, o)] += x[d.XIndex(n, ih, iw, group * d.GroupIn + ci)] * dy[d.YIndex(n, oh, ow, o)];
            }
        }
        return dk;
    }
}
