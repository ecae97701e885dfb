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
    /// Calls visit(xIndex, kernelIndex, yIndex) for every product term of the convolution:
    /// y[yIndex] += x[xIndex] · kernel[kernelIndex]. Cells that fall in the padding are skipped.
    /// </summary>
    private static void ForEachTerm(in Dims d, Action<int, int, int> visit)
    {
        var s = d.Spec;
        for (int n = 0; n < d.N; n++)
        for (int oh = 0; oh < d.OH; oh++)
        for (int ow = 0; ow < d.OW; ow++)
        for (int o = 0; o < d.Cout; o++)
        {
            int group = o / d.GroupOut;
            for (int kh = 0; kh < d.KH; kh++)
            for (int kw = 0; kw < d.KW; kw++)
            {
                int ih = oh * s.StrideH - s.PadTop + kh * s.DilationH;
                int iw = ow * s.StrideW - s.PadLeft + kw * s.DilationW;
                if (ih < 0 || ih >= d.H || iw < 0 || iw >= d.W) continue;
                for (int ci = 0; ci < d.GroupIn; ci++)
                    visit(d.XIndex(n, ih, iw, group * d.GroupIn + ci), d.KIndex(kh, kw, ci, o), d.YIndex(n, oh, ow, o));
            }
        }
    }

    /// <summary>y = x ⋆ kernel (cross-correlation, as Keras).</summary>
    public static double[] Forward(double[] x, double[] kernel, in Dims d)
    {
        var y = new double[d.N * d.OH * d.OW * d.Cout];
        ForEachTerm(d, (xi, ki, yi) => y[yi] += x[xi] * kernel[ki]);
        return y;
    }

    /// <summary>dx[i] = Σ dy[y] · kernel[k] over every term where x[i] meets kernel[k] to make y.</summary>
    public static double[] BackwardData(double[] dy, double[] kernel, in Dims d)
    {
        var dx = new double[d.N * d.H * d.W * d.Cin];
        ForEachTerm(d, (xi, ki, yi) => dx[xi] += dy[yi] * kernel[ki]);
        return dx;
    }

    /// <summary>dKernel[k] = Σ x[i] · dy[y] over every term where x[i] meets kernel[k] to make y.</summary>
    public static double[] BackwardFilter(double[] x, double[] dy, in Dims d)
    {
        var dk = new double[d.KH * d.KW * d.GroupIn * d.Cout];
        ForEachTerm(d, (xi, ki, yi) => dk[ki] += x[xi] * dy[yi]);
        return dk;
    }
}
