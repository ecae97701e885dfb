#nullable enable
using System.Numerics.Tensors;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// NHWC im2col and its adjoint col2im for one image and a band of output rows. A patch row holds
/// the (kh, kw, c) cells of one output pixel, channels contiguous, which is the row order of a
/// Keras kernel (kh, kw, in, out) seen as a (kh·kw·in) × out matrix.
/// </summary>
internal static unsafe class Im2Col
{
    /// <summary>
    /// Writes the patch rows of output rows [oh0, oh0 + rows) of image <paramref name="n"/> into
    /// <paramref name="col"/> (rows·OW × PatchLength), taking the channels of group <paramref name="group"/>;
    /// padded cells are written as zeros.
    /// </summary>
    public static void Gather(float* x, in ConvGeometry g, int n, int oh0, int rows, int group, float* col)
    {
        int cg = g.GroupIn, c0 = group * cg;
        int patch = g.PatchLength;
        // With dilation 1 and all channels, a row of KW cells is one contiguous run of x.
        bool wholeRun = g.DilationW == 1 && cg == g.Cin;
        float* image = x + (long)n * g.H * g.W * g.Cin;
        for (int oh = oh0; oh < oh0 + rows; oh++)
        {
            int ihBase = oh * g.StrideH - g.PadTop;
            for (int ow = 0; ow < g.OW; ow++)
            {
                float* dst = col + ((long)(oh - oh0) * g.OW + ow) * patch;
                int iwBase = ow * g.StrideW - g.PadLeft;
                bool rowInside = iwBase >= 0 && iwBase + (g.KW - 1) * g.DilationW < g.W;
                for (int kh = 0; kh < g.KH; kh++)
                {
                    int ih = ihBase + kh * g.DilationH;
                    float* d = dst + kh * g.KW * cg;
                    if ((uint)ih >= (uint)g.H)
                    {
                        new Span<float>(d, g.KW * cg).Clear();
                        continue;
                    }
                    float* src = image + ((long)ih * g.W) * g.Cin + c0;
                    if (wholeRun && rowInside)
                    {
                        new ReadOnlySpan<float>(src + (long)iwBase * g.Cin, g.KW * cg).CopyTo(new Span<float>(d, g.KW * cg));
                        continue;
                    }
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        int iw = iwBase + kw * g.DilationW;
                        var cell = new Span<float>(d + kw * cg, cg);
                        if ((uint)iw >= (uint)g.W) cell.Clear();
                        else new ReadOnlySpan<float>(src + (long)iw * g.Cin, cg).CopyTo(cell);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Adjoint of <see cref="Gather"/>: adds each patch row back into the input cells it came from
    /// (padded cells are dropped). The caller zeroes <paramref name="dx"/> first.
    /// </summary>
    public static void ScatterAdd(float* col, in ConvGeometry g, int n, int oh0, int rows, int group, float* dx)
    {
        int cg = g.GroupIn, c0 = group * cg;
        int patch = g.PatchLength;
        bool wholeRun = g.DilationW == 1 && cg == g.Cin;
        float* image = dx + (long)n * g.H * g.W * g.Cin;
        for (int oh = oh0; oh < oh0 + rows; oh++)
        {
            int ihBase = oh * g.StrideH - g.PadTop;
            for (int ow = 0; ow < g.OW; ow++)
            {
                float* src = col + ((long)(oh - oh0) * g.OW + ow) * patch;
                int iwBase = ow * g.StrideW - g.PadLeft;
                bool rowInside = iwBase >= 0 && iwBase + (g.KW - 1) * g.DilationW < g.W;
                for (int kh = 0; kh < g.KH; kh++)
                {
                    int ih = ihBase + kh * g.DilationH;
                    if ((uint)ih >= (uint)g.H) continue;
                    float* s = src + kh * g.KW * cg;
                    float* dst = image + ((long)ih * g.W) * g.Cin + c0;
                    if (wholeRun && rowInside)
                    {
                        var run = new Span<float>(dst + (long)iwBase * g.Cin, g.KW * cg);
                        TensorPrimitives.Add(run, new ReadOnlySpan<float>(s, g.KW * cg), run);
                        continue;
                    }
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        int iw = iwBase + kw * g.DilationW;
                        if ((uint)iw >= (uint)g.W) continue;
                        var cell = new Span<float>(dst + (long)iw * g.Cin, cg);
                        TensorPrimitives.Add(cell, new ReadOnlySpan<float>(s + kw * cg, cg), cell);
                    }
                }
            }
        }
    }
}
