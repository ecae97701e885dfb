#nullable enable
using System.Buffers;
using System.Numerics.Tensors;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// Max and average pooling, NHWC. Each output pixel combines whole channel rows of the input
/// (channels are contiguous), so the window loops are vector ops over C. Padded cells never take
/// part: max pooling treats them as −∞, average pooling divides by the cells inside the input
/// (TensorFlow semantics).
/// </summary>
public sealed unsafe partial class CpuBackend
{
    public void PoolForward(Tensor x, Tensor y, in PoolSpec spec)
    {
        var g = PoolGeometry.Create("PoolForward", x, y, spec);
        nint xp = (nint)Pointer<float>(x), yp = (nint)Pointer<float>(y);
        bool max = spec.Kind == PoolKind.Max;
        ForEach(g.N * g.OH, (long)g.OW * g.C * g.PoolH * g.PoolW, 1, (row, _) =>
        {
            int n = row / g.OH, oh = row % g.OH;
            for (int ow = 0; ow < g.OW; ow++)
            {
                var yRow = new Span<float>((float*)yp + (((long)n * g.OH + oh) * g.OW + ow) * g.C, g.C);
                var (h0, h1, w0, w1) = g.Window(oh, ow);
                yRow.Fill(max ? float.NegativeInfinity : 0f);
                for (int ih = h0; ih < h1; ih++)
                {
                    for (int iw = w0; iw < w1; iw++)
                    {
                        var xCell = new ReadOnlySpan<float>((float*)xp + (((long)n * g.H + ih) * g.W + iw) * g.C, g.C);
                        if (max) TensorPrimitives.Max(yRow, xCell, yRow);
                        else TensorPrimitives.Add(yRow, xCell, yRow);
                    }
                }
                int cells = (h1 - h0) * (w1 - w0);
                if (!max && cells > 0) TensorPrimitives.Multiply(yRow, 1f / cells, yRow);
            }
        });
    }

    public void PoolBackward(Tensor x, Tensor y, Tensor dy, Tensor dx, in PoolSpec spec)
    {
        var g = PoolGeometry.Create("PoolBackward", x, y, spec);
        PoolGeometry.CheckSame("PoolBackward", "dy", dy, "y", y);
        PoolGeometry.CheckSame("PoolBackward", "dx", dx, "x", x);
        nint xp = (nint)Pointer<float>(x), dyp = (nint)Pointer<float>(dy), dxp = (nint)Pointer<float>(dx);
        bool max = spec.Kind == PoolKind.Max;
        long imageSize = (long)g.H * g.W * g.C;
        // Overlapping windows add into the same dx cells, so one worker owns a whole image.
        ForEach(g.N, (long)g.OH * g.OW * g.C * g.PoolH * g.PoolW, 1, (n, _) =>
        {
            new Span<float>((float*)dxp + n * imageSize, (int)imageSize).Clear();
            float[]? bestValue = max ? ArrayPool<float>.Shared.Rent(g.C) : null;
            int[]? bestCell = max ? ArrayPool<int>.Shared.Rent(g.C) : null;
            try
            {
                for (int oh = 0; oh < g.OH; oh++)
                {
                    for (int ow = 0; ow < g.OW; ow++)
                    {
                        var dyRow = new ReadOnlySpan<float>((float*)dyp + (((long)n * g.OH + oh) * g.OW + ow) * g.C, g.C);
                        var (h0, h1, w0, w1) = g.Window(oh, ow);
                        if (h1 <= h0 || w1 <= w0) continue;
                        if (max) RouteToFirstMax((float*)xp, (float*)dxp, dyRow, g, n, h0, h1, w0, w1, bestValue!, bestCell!);
                        else
                        {
                            float share = 1f / ((h1 - h0) * (w1 - w0));
                            for (int ih = h0; ih < h1; ih++)
                            {
                                for (int iw = w0; iw < w1; iw++)
                                {
                                    var dxCell = new Span<float>((float*)dxp + (((long)n * g.H + ih) * g.W + iw) * g.C, g.C);
                                    TensorPrimitives.MultiplyAdd(dyRow, share, dxCell, dxCell);
                                }
                            }
                        }
                    }
                }
            }
            finally
            {
                if (bestValue is not null) ArrayPool<float>.Shared.Return(bestValue);
                if (bestCell is not null) ArrayPool<int>.Shared.Return(bestCell);
            }
        });
    }

    /// <summary>
    /// Gives each channel's gradient to the first maximum of the window in row-major order, as
    /// TensorFlow does for ties; the maximum is recomputed from x so y's rounding does not matter.
    /// </summary>
    private static void RouteToFirstMax(float* x, float* dx, ReadOnlySpan<float> dyRow, in PoolGeometry g,
        int n, int h0, int h1, int w0, int w1, float[] bestValue, int[] bestCell)
    {
        int c = g.C;
        long first = ((long)n * g.H + h0) * g.W + w0;
        new ReadOnlySpan<float>(x + first * c, c).CopyTo(bestValue);
        bestCell.AsSpan(0, c).Fill((int)first);
        for (int ih = h0; ih < h1; ih++)
        {
            for (int iw = ih == h0 ? w0 + 1 : w0; iw < w1; iw++)
            {
                long cell = ((long)n * g.H + ih) * g.W + iw;
                float* xCell = x + cell * c;
                for (int ch = 0; ch < c; ch++)
                {
                    // Strictly greater keeps the first of equal values.
                    if (xCell[ch] > bestValue[ch])
                    {
                        bestValue[ch] = xCell[ch];
                        bestCell[ch] = (int)cell;
                    }
                }
            }
        }
        for (int ch = 0; ch < c; ch++) dx[(long)bestCell[ch] * c + ch] += dyRow[ch];
    }
}
