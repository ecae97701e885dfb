#nullable enable
using System.Buffers;
using System.Numerics.Tensors;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// 2-D convolution, NHWC, kernel (kh, kw, in/groups, out). Each group is an im2col band of
/// output rows times the kernel matrix through <see cref="CpuGemm"/>; bands are small enough
/// (<see cref="ColumnBudget"/> floats) that the column scratch stays in cache-friendly, pooled
/// buffers. Depthwise convolutions use direct loops (<see cref="DepthwiseConv"/>), 1×1 stride-1
/// convolutions one GEMM on x itself.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    /// <summary>Target size of one im2col band, in floats (1 MiB).</summary>
    private const int ColumnBudget = 1 << 18;

    /// <summary>Most partial kernel gradients ConvBackwardFilter sums (fixed so results do not depend on Threads).</summary>
    private const int MaxFilterSlabs = 16;

    /// <summary>Floats the partial kernel gradients may take in all.</summary>
    private const int FilterSlabBudget = 1 << 22;

    public void ConvForward(Tensor x, Tensor kernel, Tensor y, in ConvSpec spec)
    {
        var g = ConvGeometry.Create("ConvForward", "x", x, kernel, "y", y, spec);
        nint xp = (nint)Pointer<float>(x), kp = (nint)Pointer<float>(kernel), yp = (nint)Pointer<float>(y);
        if (y.Size == 0) return;
        if (g.IsPointwise)
        {
            CpuGemm.Sgemm(false, false, g.N * g.H * g.W, g.Cout, g.Cin, 1f, (float*)xp, g.Cin, (float*)kp, g.Cout, 0f, (float*)yp, g.Cout, Threads);
            return;
        }
        if (g.IsDepthwise)
        {
            ForEach(g.N * g.OH, g.OW * g.Cout * g.KH * g.KW, 1, (row, _) =>
                DepthwiseConv.ForwardRow((float*)xp, (float*)kp, (float*)yp, g, row / g.OH, row % g.OH));
            return;
        }
        var bands = new BandPlan(g);
        ForEachBand(bands.Count, g, (band, inner, col) =>
        {
            var (n, oh0, rows) = bands[band];
            int m = rows * g.OW;
            float* yBand = (float*)yp + ((long)n * g.OH + oh0) * g.OW * g.Cout;
            for (int group = 0; group < g.Groups; group++)
            {
                Im2Col.Gather((float*)xp, g, n, oh0, rows, group, col);
                CpuGemm.Sgemm(false, false, m, g.GroupOut, g.PatchLength, 1f,
                    col, g.PatchLength, (float*)kp + group * g.GroupOut, g.Cout,
                    0f, yBand + group * g.GroupOut, g.Cout, inner);
            }
        });
    }

    public void ConvBackwardData(Tensor dy, Tensor kernel, Tensor dx, in ConvSpec spec)
    {
        var g = ConvGeometry.Create("ConvBackwardData", "dx", dx, kernel, "dy", dy, spec);
        nint dyp = (nint)Pointer<float>(dy), kp = (nint)Pointer<float>(kernel), dxp = (nint)Pointer<float>(dx);
        if (dx.Size == 0) return;
        if (g.IsPointwise)
        {
            // dx = dy · Kᵀ with K seen as Cin × Cout.
            CpuGemm.Sgemm(false, true, g.N * g.H * g.W, g.Cin, g.Cout, 1f, (float*)dyp, g.Cout, (float*)kp, g.Cout, 0f, (float*)dxp, g.Cin, Threads);
            return;
        }
        long imageSize = (long)g.H * g.W * g.Cin;
        if (g.IsDepthwise)
        {
            ForEach(g.N, g.OH * g.OW * g.Cout * g.KH * g.KW, 1, (n, _) =>
            {
                new Span<float>((float*)dxp + n * imageSize, (int)imageSize).Clear();
                DepthwiseConv.BackwardDataImage((float*)dyp, (float*)kp, (float*)dxp, g, n);
            });
            return;
        }
        // Windows overlap inside an image, so one worker owns a whole image: its bands scatter in order.
        var bands = new BandPlan(g);
        int perImage = bands.PerImage;
        ForEach(g.N, (long)perImage * ColumnBudget, g.PatchLength, (n, inner) =>
        {
            float[] scratch = ArrayPool<float>.Shared.Rent(bands.ColumnLength);
            try
            {
                fixed (float* col = scratch)
                {
                    new Span<float>((float*)dxp + n * imageSize, (int)imageSize).Clear();
                    for (int b = n * perImage; b < (n + 1) * perImage; b++)
                    {
                        var (_, oh0, rows) = bands[b];
                        float* dyBand = (float*)dyp + ((long)n * g.OH + oh0) * g.OW * g.Cout;
                        for (int group = 0; group < g.Groups; group++)
                        {
                            // Column gradient = dy band · K_groupᵀ, then back onto the image.
                            CpuGemm.Sgemm(false, true, rows * g.OW, g.PatchLength, g.GroupOut, 1f,
                                dyBand + group * g.GroupOut, g.Cout, (float*)kp + group * g.GroupOut, g.Cout,
                                0f, col, g.PatchLength, inner);
                            Im2Col.ScatterAdd(col, g, n, oh0, rows, group, (float*)dxp);
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        });
    }

    public void ConvBackwardFilter(Tensor x, Tensor dy, Tensor dKernel, in ConvSpec spec)
    {
        var g = ConvGeometry.Create("ConvBackwardFilter", "x", x, dKernel, "dy", dy, spec);
        nint xp = (nint)Pointer<float>(x), dyp = (nint)Pointer<float>(dy), dkp = (nint)Pointer<float>(dKernel);
        int kernelSize = (int)dKernel.Size;
        if (kernelSize == 0) return;
        if (g.IsPointwise)
        {
            CpuGemm.Sgemm(true, false, g.Cin, g.Cout, g.N * g.H * g.W, 1f, (float*)xp, g.Cin, (float*)dyp, g.Cout, 0f, (float*)dkp, g.Cout, Threads);
            return;
        }
        // Work units (images for depthwise, bands otherwise) are split into a fixed number of
        // slabs; each slab sums into its own partial gradient and the partials are added in slab
        // order, so the result is the same for any thread count.
        var bands = new BandPlan(g);
        int units = g.IsDepthwise ? g.N : bands.Count;
        int slabs = Math.Clamp(Math.Min(MaxFilterSlabs, FilterSlabBudget / kernelSize), 1, Math.Max(1, units));
        float[] partials = ArrayPool<float>.Shared.Rent((slabs - 1) * kernelSize);
        try
        {
            fixed (float* partialBase = partials)
            {
                nint pp = (nint)partialBase;
                ForEach(slabs, (long)ColumnBudget * Math.Max(1, units / slabs), g.PatchLength, (s, inner) =>
                {
                    float* dst = s == 0 ? (float*)dkp : (float*)pp + (long)(s - 1) * kernelSize;
                    int first = (int)((long)s * units / slabs), end = (int)((long)(s + 1) * units / slabs);
                    if (g.IsDepthwise)
                    {
                        new Span<float>(dst, kernelSize).Clear();
                        for (int n = first; n < end; n++)
                            DepthwiseConv.BackwardFilterImage((float*)xp, (float*)dyp, dst, g, n);
                        return;
                    }
                    if (first == end)
                    {
                        new Span<float>(dst, kernelSize).Clear();
                        return;
                    }
                    float[] scratch = ArrayPool<float>.Shared.Rent(bands.ColumnLength);
                    try
                    {
                        fixed (float* col = scratch)
                        {
                            for (int b = first; b < end; b++)
                            {
                                var (n, oh0, rows) = bands[b];
                                float* dyBand = (float*)dyp + ((long)n * g.OH + oh0) * g.OW * g.Cout;
                                for (int group = 0; group < g.Groups; group++)
                                {
                                    Im2Col.Gather((float*)xp, g, n, oh0, rows, group, col);
                                    // dK_group (+)= colᵀ · dy band
                                    CpuGemm.Sgemm(true, false, g.PatchLength, g.GroupOut, rows * g.OW, 1f,
                                        col, g.PatchLength, dyBand + group * g.GroupOut, g.Cout,
                                        b == first ? 0f : 1f, dst + group * g.GroupOut, g.Cout, inner);
                                }
                            }
                        }
                    }
                    finally
                    {
                        ArrayPool<float>.Shared.Return(scratch);
                    }
                });
                var total = new Span<float>((float*)dkp, kernelSize);
                for (int s = 1; s < slabs; s++)
                    TensorPrimitives.Add(total, new ReadOnlySpan<float>(partialBase + (long)(s - 1) * kernelSize, kernelSize), total);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(partials);
        }
    }

    /// <summary>Bands of output rows, none crossing an image, each at most <see cref="ColumnBudget"/> im2col floats.</summary>
    private readonly struct BandPlan
    {
        private readonly int _rowsPerBand, _oh;

        public BandPlan(in ConvGeometry g)
        {
            _oh = g.OH;
            long rowFloats = Math.Max(1L, (long)g.OW * g.PatchLength);
            _rowsPerBand = (int)Math.Clamp(ColumnBudget / rowFloats, 1, Math.Max(1, g.OH));
            PerImage = g.OH == 0 ? 0 : (g.OH + _rowsPerBand - 1) / _rowsPerBand;
            Count = g.N * PerImage;
            ColumnLength = (int)Math.Max(1L, _rowsPerBand * rowFloats);
        }

        public int Count { get; }

        public int PerImage { get; }

        /// <summary>im2col floats one band needs.</summary>
        public int ColumnLength { get; }

        public (int N, int Oh0, int Rows) this[int band]
        {
            get
            {
                int n = band / PerImage, oh0 = band % PerImage * _rowsPerBand;
                return (n, oh0, Math.Min(_rowsPerBand, _oh - oh0));
            }
        }
    }

    private delegate void BandBody(int band, int innerThreads, float* col);

    /// <summary>Runs every band with a pooled im2col buffer per worker.</summary>
    private void ForEachBand(int count, ConvGeometry g, BandBody body)
    {
        var plan = new BandPlan(g);
        int columnLength = plan.ColumnLength;
        ForEach(count, ColumnBudget, g.PatchLength, (band, inner) =>
        {
            // One rent per band: the pool hands back the same array, and a band is ~1 MiB of work.
            float[] scratch = ArrayPool<float>.Shared.Rent(columnLength);
            try
            {
                fixed (float* col = scratch) body(band, inner, col);
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scratch);
            }
        });
    }

    /// <summary>
    /// Runs body(i, innerThreads) for i in [0, count): across workers when there are several items
    /// and enough work (<paramref name="itemFloats"/> × <paramref name="itemDepth"/> multiply-adds
    /// roughly per item), else in order; innerThreads is what each item may give to the GEMM.
    /// </summary>
    private void ForEach(int count, long itemFloats, int itemDepth, Action<int, int> body)
    {
        if (count <= 0) return;
        long work = (long)count * itemFloats * Math.Max(1, itemDepth);
        int workers = Math.Min(Threads, count);
        if (workers <= 1 || work < (1 << 16))
        {
            for (int i = 0; i < count; i++) body(i, Threads);
            return;
        }
        int inner = Math.Max(1, Threads / count);
        FanOut.For(count, workers, i => body(i, inner));
    }
}
