#nullable enable
using System.Numerics.Tensors;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// Direct loops for a depthwise convolution (groups = Cin, Cout = Cin·multiplier): output channel
/// c·multiplier + m sees only input channel c. Per-channel GEMMs would be 1-wide, so instead each
/// kernel tap is one vector multiply-add over the channels of a pixel.
/// </summary>
internal static unsafe class DepthwiseConv
{
    /// <summary>y[n, oh, :] for one output row.</summary>
    public static void ForwardRow(float* x, float* kernel, float* y, in ConvGeometry g, int n, int oh)
    {
        int mult = g.Cout / g.Cin;
        float* image = x + (long)n * g.H * g.W * g.Cin;
        for (int ow = 0; ow < g.OW; ow++)
        {
            var yRow = new Span<float>(y + (((long)n * g.OH + oh) * g.OW + ow) * g.Cout, g.Cout);
            yRow.Clear();
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                if ((uint)ih >= (uint)g.H) continue;
                for (int kw = 0; kw < g.KW; kw++)
                {
                    int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                    if ((uint)iw >= (uint)g.W) continue;
                    float* xCell = image + ((long)ih * g.W + iw) * g.Cin;
                    float* kCell = kernel + ((long)kh * g.KW + kw) * g.Cout;
                    if (mult == 1)
                    {
                        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(xCell, g.Cin), new ReadOnlySpan<float>(kCell, g.Cout), yRow, yRow);
                        continue;
                    }
                    for (int c = 0; c < g.Cin; c++)
                    {
                        float v = xCell[c];
                        for (int m = 0; m < mult; m++) yRow[c * mult + m] += v * kCell[c * mult + m];
                    }
                }
            }
        }
    }

    /// <summary>Adds the input gradient of image <paramref name="n"/> into dx (zeroed by the caller).</summary>
    public static void BackwardDataImage(float* dy, float* kernel, float* dx, in ConvGeometry g, int n)
    {
        int mult = g.Cout / g.Cin;
        float* image = dx + (long)n * g.H * g.W * g.Cin;
        for (int oh = 0; oh < g.OH; oh++)
        {
            for (int ow = 0; ow < g.OW; ow++)
            {
                float* dyRow = dy + (((long)n * g.OH + oh) * g.OW + ow) * g.Cout;
                for (int kh = 0; kh < g.KH; kh++)
                {
                    int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                    if ((uint)ih >= (uint)g.H) continue;
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                        if ((uint)iw >= (uint)g.W) continue;
                        float* kCell = kernel + ((long)kh * g.KW + kw) * g.Cout;
                        var dxCell = new Span<float>(image + ((long)ih * g.W + iw) * g.Cin, g.Cin);
                        if (mult == 1)
                        {
                            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(dyRow, g.Cout), new ReadOnlySpan<float>(kCell, g.Cout), dxCell, dxCell);
                            continue;
                        }
                        for (int c = 0; c < g.Cin; c++)
                        {
                            float sum = 0f;
                            for (int m = 0; m < mult; m++) sum += dyRow[c * mult + m] * kCell[c * mult + m];
                            dxCell[c] += sum;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Adds the kernel gradient contributed by image <paramref name="n"/> into dKernel.</summary>
    public static void BackwardFilterImage(float* x, float* dy, float* dKernel, in ConvGeometry g, int n)
    {
        int mult = g.Cout / g.Cin;
        float* image = x + (long)n * g.H * g.W * g.Cin;
        for (int oh = 0; oh < g.OH; oh++)
        {
            for (int ow = 0; ow < g.OW; ow++)
            {
                float* dyRow = dy + (((long)n * g.OH + oh) * g.OW + ow) * g.Cout;
                for (int kh = 0; kh < g.KH; kh++)
                {
                    int ih = oh * g.StrideH - g.PadTop + kh * g.DilationH;
                    if ((uint)ih >= (uint)g.H) continue;
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        int iw = ow * g.StrideW - g.PadLeft + kw * g.DilationW;
                        if ((uint)iw >= (uint)g.W) continue;
                        float* xCell = image + ((long)ih * g.W + iw) * g.Cin;
                        var dkCell = new Span<float>(dKernel + ((long)kh * g.KW + kw) * g.Cout, g.Cout);
                        if (mult == 1)
                        {
                            TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(xCell, g.Cin), new ReadOnlySpan<float>(dyRow, g.Cout), dkCell, dkCell);
                            continue;
                        }
                        for (int c = 0; c < g.Cin; c++)
                        {
                            float v = xCell[c];
                            for (int m = 0; m < mult; m++) dkCell[c * mult + m] += v * dyRow[c * mult + m];
                        }
                    }
                }
            }
        }
    }
}
