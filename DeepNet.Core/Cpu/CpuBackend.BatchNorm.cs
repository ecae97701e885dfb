#nullable enable
using System.Buffers;
using System.Numerics.Tensors;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// Batch normalization over x seen as rows × C (C = last axis). Statistics are summed in float
/// over short row blocks (vector adds across channels) and the block sums added in double, in a
/// fixed number of row slabs whose partials are combined in order, so results are stable and do
/// not depend on the thread count. Variance is biased (divided by rows), as Keras uses it.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    /// <summary>Rows summed in float before the block sum goes into the double accumulator.</summary>
    private const int BatchNormBlockRows = 16;

    /// <summary>Most row slabs (partial sums) a statistic is split into.</summary>
    private const int BatchNormMaxSlabs = 16;

    public void BatchNormTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon, Tensor y, Tensor mean, Tensor variance)
    {
        const string op = "BatchNormTraining";
        var (rows, c) = BatchNormRows(op, x);
        CheckChannels(op, c, x, ("gamma", gamma), ("beta", beta), ("mean", mean), ("variance", variance));
        CheckSameShape(op, x, "y", y);
        double[] sums = ArrayPool<double>.Shared.Rent(c), squares = ArrayPool<double>.Shared.Rent(c);
        try
        {
            nint xp = (nint)Pointer<float>(x);
            var meanSpan = Span<float>(mean);
            ChannelSums((float*)xp, rows, c, null, sums);
            for (int i = 0; i < c; i++) meanSpan[i] = rows == 0 ? 0f : (float)(sums[i] / rows);
            // Second pass on centred values: no cancellation when |mean| ≫ std.
            ChannelSums((float*)xp, rows, c, (nint)Pointer<float>(mean), squares);
            var varianceSpan = Span<float>(variance);
            for (int i = 0; i < c; i++) varianceSpan[i] = rows == 0 ? 0f : (float)(squares[i] / rows);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sums);
            ArrayPool<double>.Shared.Return(squares);
        }
        BatchNormInference(x, gamma, beta, mean, variance, epsilon, y);
    }

    public void BatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance, float epsilon, Tensor y)
    {
        const string op = "BatchNormInference";
        var (rows, c) = BatchNormRows(op, x);
        CheckChannels(op, c, x, ("gamma", gamma), ("beta", beta), ("mean", mean), ("variance", variance));
        CheckSameShape(op, x, "y", y);
        // y = x·scale + shift with scale = γ/√(σ²+ε), shift = β − μ·scale.
        float[] scale = ArrayPool<float>.Shared.Rent(c), shift = ArrayPool<float>.Shared.Rent(c);
        try
        {
            var g = Span<float>(gamma); var b = Span<float>(beta);
            var m = Span<float>(mean); var v = Span<float>(variance);
            for (int i = 0; i < c; i++)
            {
                double s = g[i] / Math.Sqrt((double)v[i] + epsilon);
                scale[i] = (float)s;
                shift[i] = (float)(b[i] - m[i] * s);
            }
            nint xp = (nint)Pointer<float>(x), yp = (nint)Pointer<float>(y);
            ForRowChunks(rows, c, (r0, r1) =>
            {
                var sc = new ReadOnlySpan<float>(scale, 0, c); var sh = new ReadOnlySpan<float>(shift, 0, c);
                for (long r = r0; r < r1; r++)
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>((float*)xp + r * c, c), sc, sh, new Span<float>((float*)yp + r * c, c));
            });
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scale);
            ArrayPool<float>.Shared.Return(shift);
        }
    }

    public void BatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor mean, Tensor variance, float epsilon, Tensor dx, Tensor dGamma, Tensor dBeta)
    {
        const string op = "BatchNormBackward";
        var (rows, c) = BatchNormRows(op, x);
        CheckChannels(op, c, x, ("gamma", gamma), ("mean", mean), ("variance", variance), ("dGamma", dGamma), ("dBeta", dBeta));
        CheckSameShape(op, x, "dy", dy);
        CheckSameShape(op, x, "dx", dx);
        double[] sumDy = ArrayPool<double>.Shared.Rent(c), sumDyXc = ArrayPool<double>.Shared.Rent(c);
        float[] a = ArrayPool<float>.Shared.Rent(c), b = ArrayPool<float>.Shared.Rent(c), k = ArrayPool<float>.Shared.Rent(c);
        try
        {
            nint xp = (nint)Pointer<float>(x), dyp = (nint)Pointer<float>(dy), dxp = (nint)Pointer<float>(dx);
            ChannelSums((float*)dyp, rows, c, null, sumDy);
            ChannelProductSums((float*)xp, (float*)dyp, rows, c, (nint)Pointer<float>(mean), sumDyXc);
            var g = Span<float>(gamma); var m = Span<float>(mean); var v = Span<float>(variance);
            var dg = Span<float>(dGamma); var db = Span<float>(dBeta);
            for (int i = 0; i < c; i++)
            {
                // x̂ = (x−μ)·r;  dγ = Σ dy·x̂;  dβ = Σ dy;
                // dx = γ·r·(dy − dβ/M − x̂·dγ/M) = a·dy + b·x + k
                double r = 1.0 / Math.Sqrt((double)v[i] + epsilon);
                double dGammaI = sumDyXc[i] * r, dBetaI = sumDy[i];
                dg[i] = (float)dGammaI;
                db[i] = (float)dBetaI;
                double ai = g[i] * r, inv = rows == 0 ? 0.0 : 1.0 / rows;
                double bi = -ai * r * dGammaI * inv;
                a[i] = (float)ai;
                b[i] = (float)bi;
                k[i] = (float)(-ai * dBetaI * inv - bi * m[i]);
            }
            ForRowChunks(rows, c, (r0, r1) =>
            {
                float[] tmp = ArrayPool<float>.Shared.Rent(c);
                var t = tmp.AsSpan(0, c);
                for (long r = r0; r < r1; r++)
                {
                    // Through tmp so dx may alias x or dy.
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>((float*)xp + r * c, c), new ReadOnlySpan<float>(b, 0, c), new ReadOnlySpan<float>(k, 0, c), t);
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>((float*)dyp + r * c, c), new ReadOnlySpan<float>(a, 0, c), t, new Span<float>((float*)dxp + r * c, c));
                }
                ArrayPool<float>.Shared.Return(tmp);
            });
        }
        finally
        {
            ArrayPool<double>.Shared.Return(sumDy);
            ArrayPool<double>.Shared.Return(sumDyXc);
            ArrayPool<float>.Shared.Return(a);
            ArrayPool<float>.Shared.Return(b);
            ArrayPool<float>.Shared.Return(k);
        }
    }

    /// <summary>total[c] = Σ_r x[r, c], or Σ_r (x[r, c] − center[c])² when a center is given.</summary>
    private void ChannelSums(float* x, long rows, int c, nint? center, double[] total) =>
        SlabSums(rows, c, total, (r0, r1, block, tmp) =>
        {
            var centerSpan = center is nint cp ? new ReadOnlySpan<float>((float*)cp, c) : default;
            for (long r = r0; r < r1; r++)
            {
                var row = new ReadOnlySpan<float>(x + r * c, c);
                if (center is null) TensorPrimitives.Add(block, row, block);
                else
                {
                    TensorPrimitives.Subtract(row, centerSpan, tmp);
                    TensorPrimitives.MultiplyAdd(tmp, tmp, block, block);
                }
            }
        });

    /// <summary>total[c] = Σ_r dy[r, c]·(x[r, c] − center[c]).</summary>
    private void ChannelProductSums(float* x, float* dy, long rows, int c, nint center, double[] total) =>
        SlabSums(rows, c, total, (r0, r1, block, tmp) =>
        {
            var centerSpan = new ReadOnlySpan<float>((float*)center, c);
            for (long r = r0; r < r1; r++)
            {
                TensorPrimitives.Subtract(new ReadOnlySpan<float>(x + r * c, c), centerSpan, tmp);
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(dy + r * c, c), tmp, block, block);
            }
        });

    private delegate void BlockSum(long firstRow, long endRow, Span<float> block, Span<float> tmp);

    /// <summary>
    /// Sums per channel over all rows: float block sums of <see cref="BatchNormBlockRows"/> rows go
    /// into a double partial per slab; slabs are fixed by the row count, partials added in order.
    /// </summary>
    private void SlabSums(long rows, int c, double[] total, BlockSum blockSum)
    {
        int slabs = (int)Math.Clamp(rows / 256, 1, BatchNormMaxSlabs);
        double[] partials = ArrayPool<double>.Shared.Rent(slabs * c);
        try
        {
            ForEach(slabs, rows * c / slabs, 1, (s, _) =>
            {
                var partial = partials.AsSpan(s * c, c);
                partial.Clear();
                float[] scratch = ArrayPool<float>.Shared.Rent(2 * c);
                var block = scratch.AsSpan(0, c); var tmp = scratch.AsSpan(c, c);
                long first = s * rows / slabs, end = (s + 1) * rows / slabs;
                for (long r0 = first; r0 < end; r0 += BatchNormBlockRows)
                {
                    block.Clear();
                    blockSum(r0, Math.Min(r0 + BatchNormBlockRows, end), block, tmp);
                    for (int i = 0; i < c; i++) partial[i] += block[i];
                }
                ArrayPool<float>.Shared.Return(scratch);
            });
            total.AsSpan(0, c).Clear();
            for (int s = 0; s < slabs; s++)
                for (int i = 0; i < c; i++) total[i] += partials[s * c + i];
        }
        finally
        {
            ArrayPool<double>.Shared.Return(partials);
        }
    }

    /// <summary>Runs body(firstRow, endRow) over row ranges, across workers when the tensor is large.</summary>
    private void ForRowChunks(long rows, int c, Action<long, long> body)
    {
        int chunks = (int)Math.Clamp(rows * c / (1 << 15), 1, 4L * Threads);
        ForEach(chunks, rows * c / chunks, 1, (i, _) => body(i * rows / chunks, (i + 1) * rows / chunks));
    }

    private static (long Rows, int C) BatchNormRows(string op, Tensor x)
    {
        if (x.Rank < 1) throw new ShapeMismatchException(op, $"x needs at least one axis (channels last), got x {x.Shape}.");
        x.CheckDType(DType.Float32, op);
        int c = x.Shape[-1];
        return (c == 0 ? 0 : x.Size / c, c);
    }

    private static void CheckChannels(string op, int c, Tensor x, params (string Name, Tensor T)[] perChannel)
    {
        foreach (var (name, t) in perChannel)
        {
            if (t.Size != c || t.Rank > 1)
                throw new ShapeMismatchException(op, $"{name} must have shape ({c},) for x {x.Shape}, got {name} {t.Shape}.");
            t.CheckDType(DType.Float32, op);
        }
    }

    private static void CheckSameShape(string op, Tensor x, string name, Tensor t)
    {
        if (!t.Shape.Equals(x.Shape))
            throw new ShapeMismatchException(op, $"{name} must have the shape of x {x.Shape}, got {name} {t.Shape}.");
        t.CheckDType(DType.Float32, op);
    }
}
