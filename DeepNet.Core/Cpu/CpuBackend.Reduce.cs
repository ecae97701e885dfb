#nullable enable
using System.Numerics.Tensors;
using DeepNet.Backends.Cpu.Elementwise;

namespace DeepNet.Backends.Cpu;

public sealed partial class CpuBackend
{
    // Rows accumulated in float before each flush into the double accumulator (sum of leading axes).
    private const int ReduceFlushRows = 64;
    // Column slice accumulated at once when the innermost axis is kept (stack scratch size).
    private const int ReduceColumnSlice = 512;
    // Fixed piece length for splitting one long row over threads: fixed, so the result does not
    // depend on the thread count.
    private const int ReducePiece = 1 << 16;
    // The same for many rows folded into one narrow output row.
    private const int ReducePieceRows = 1 << 12;

    /// <summary>
    /// Sum, mean, max, min or product over any set of axes (negative allowed; none copies, all
    /// gives one value); y has x's rank with the reduced axes set to 1. Sums and products
    /// accumulate in double (float blocks added in double), so 1e6-element sums stay accurate,
    /// and every split over threads is over fixed pieces. Over zero elements: sum 0, mean NaN,
    /// max −∞, min +∞, product 1. NaN propagates through max and min.
    /// </summary>
    public void Reduce(ReduceOp op, Tensor x, ReadOnlySpan<int> axes, Tensor y)
    {
        string name = $"Reduce {op}";
        RequireFloat(x, name, "x");
        RequireFloat(y, name, "y");
        var reduced = new bool[x.Rank];
        foreach (int axis in axes)
        {
            int a = x.Shape.NormalizeAxis(axis);
            if (reduced[a]) throw new ArgumentException($"{name}: axis {axis} is repeated in the axes for x {x.Shape}.", nameof(axes));
            reduced[a] = true;
        }
        var dims = x.Shape.ToArray();
        long count = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (!reduced[i]) continue;
            count *= dims[i];
            dims[i] = 1;
        }
        var expected = new Shape(dims);
        if (y.Shape != expected)
            throw new ShapeMismatchException(name, $"x {x.Shape} reduced over axes ({string.Join(", ", axes.ToArray())}) gives {expected}, but y is {y.Shape}.");
        if (y.Size == 0) return;
        if (count == 0)
        {
            Span<float>(y).Fill(op switch
            {
                ReduceOp.Sum => 0f,
                ReduceOp.Mean => float.NaN,
                ReduceOp.Max => float.NegativeInfinity,
                ReduceOp.Min => float.PositiveInfinity,
                _ => 1f,
            });
            return;
        }
        if (count == 1)
        {
            Span<float>(x).CopyTo(Span<float>(y));
            return;
        }

        var layout = new ReduceLayout(x.Shape, reduced);
        if (layout.InnerReduced) ReduceInnerRows(op, x, y, layout, count);
        else ReduceOuterRows(op, x, y, layout, count);
    }

    /// <summary>Innermost axis reduced: each output is a fold of contiguous rows of length Inner.</summary>
    private void ReduceInnerRows(ReduceOp op, Tensor x, Tensor y, ReduceLayout layout, long count)
    {
        int inner = layout.Inner;
        long rowsPerOutput = count / inner;
        if (y.Size == 1 && rowsPerOutput == 1 && inner > 2 * ReducePiece)
        {
            // One long row (e.g. reducing everything): fold fixed pieces in parallel, then the pieces in order.
            int pieces = (inner + ReducePiece - 1) / ReducePiece;
            var partials = new double[pieces];
            ForRanges(pieces, ReducePiece, (start, n) =>
            {
                var sx = Span<float>(x);
                for (long p = start; p < start + n; p++)
                {
                    int begin = (int)(p * ReducePiece);
                    partials[p] = FoldRow(op, sx.Slice(begin, Math.Min(ReducePiece, inner - begin)));
                }
            });
            double total = Identity(op);
            foreach (double v in partials) total = Combine(op, total, v);
            Span<float>(y)[0] = Finish(op, total, count);
            return;
        }
        ForRanges(y.Size, count, (start, n) =>
        {
            var sx = Span<float>(x);
            var sy = Span<float>(y);
            for (long o = start; o < start + n; o++)
            {
                long baseOffset = ReduceLayout.Offset(o, layout.KeptSizes, layout.KeptStrides);
                double acc = Identity(op);
                for (long m = 0; m < rowsPerOutput; m++)
                {
                    long offset = baseOffset + ReduceLayout.Offset(m, layout.ReducedSizes, layout.ReducedStrides);
                    acc = Combine(op, acc, FoldRow(op, sx.Slice((int)offset, inner)));
                }
                sy[(int)o] = Finish(op, acc, count);
            }
        });
    }

    /// <summary>
    /// Innermost axis kept: each output row (length Inner) accumulates the matching x rows
    /// elementwise with TensorPrimitives, a column slice at a time so the scratch fits the stack.
    /// </summary>
    private void ReduceOuterRows(ReduceOp op, Tensor x, Tensor y, ReduceLayout layout, long count)
    {
        int inner = layout.Inner;
        long outRows = y.Size / inner;
        int slices = (inner + ReduceColumnSlice - 1) / ReduceColumnSlice;
        if (outRows * slices == 1 && count >= 2 * ReducePieceRows)
        {
            // One narrow output row over many rows (e.g. (N, C) summed over N): fold fixed pieces of
            // rows in parallel, then the pieces in order, so the result ignores the thread count.
            int pieces = (int)((count + ReducePieceRows - 1) / ReducePieceRows);
            var partials = new double[(long)pieces * inner];
            ForRanges(pieces, (long)ReducePieceRows * inner, (start, n) =>
            {
                var sx = Span<float>(x);
                Span<float> scratch = stackalloc float[ReduceColumnSlice];
                for (long p = start; p < start + n; p++)
                {
                    var acc = partials.AsSpan((int)(p * inner), inner);
                    acc.Fill(Identity(op));
                    FoldRows(op, sx, layout, 0, p * ReducePieceRows, Math.Min(count, (p + 1) * ReducePieceRows), scratch[..inner], acc);
                }
            });
            var sy = Span<float>(y);
            for (int j = 0; j < inner; j++)
            {
                double total = Identity(op);
                for (int p = 0; p < pieces; p++) total = Combine(op, total, partials[p * inner + j]);
                sy[j] = Finish(op, total, count);
            }
            return;
        }
        ForRanges(outRows * slices, count * Math.Min(inner, ReduceColumnSlice), (start, n) =>
        {
            var sx = Span<float>(x);
            var sy = Span<float>(y);
            Span<float> scratch = stackalloc float[ReduceColumnSlice];
            Span<double> accumulator = stackalloc double[ReduceColumnSlice];
            for (long item = start; item < start + n; item++)
            {
                long row = item / slices;
                int col = (int)(item % slices) * ReduceColumnSlice;
                int width = Math.Min(ReduceColumnSlice, inner - col);
                long baseOffset = ReduceLayout.Offset(row, layout.KeptSizes, layout.KeptStrides) + col;
                var acc = accumulator[..width];
                acc.Fill(Identity(op));
                FoldRows(op, sx, layout, baseOffset, 0, count, scratch[..width], acc);
                var outRow = sy.Slice((int)(row * inner + col), width);
                for (int j = 0; j < width; j++) outRow[j] = Finish(op, acc[j], count);
            }
        });
    }

    /// <summary>
    /// Folds reduced rows [m0, m1) (each acc.Length wide, starting at baseOffset) into acc:
    /// up to ReduceFlushRows rows are combined in float with TensorPrimitives, then flushed into
    /// the double accumulator; products multiply straight into double.
    /// </summary>
    private static void FoldRows(ReduceOp op, ReadOnlySpan<float> x, ReduceLayout layout, long baseOffset, long m0, long m1,
        Span<float> partial, Span<double> acc)
    {
        int width = acc.Length;
        for (long b0 = m0; b0 < m1; b0 += ReduceFlushRows)
        {
            long b1 = Math.Min(m1, b0 + ReduceFlushRows);
            for (long m = b0; m < b1; m++)
            {
                var src = x.Slice((int)(baseOffset + ReduceLayout.Offset(m, layout.ReducedSizes, layout.ReducedStrides)), width);
                if (op == ReduceOp.Prod)
                {
                    for (int j = 0; j < width; j++) acc[j] *= src[j];
                    continue;
                }
                if (m == b0) src.CopyTo(partial);
                else if (op == ReduceOp.Max) TensorPrimitives.Max(partial, src, partial);
                else if (op == ReduceOp.Min) TensorPrimitives.Min(partial, src, partial);
                else TensorPrimitives.Add(partial, src, partial);
            }
            if (op != ReduceOp.Prod)
                for (int j = 0; j < width; j++) acc[j] = Combine(op, acc[j], partial[j]);
        }
    }

    private static double FoldRow(ReduceOp op, ReadOnlySpan<float> row) => op switch
    {
        ReduceOp.Max => TensorPrimitives.Max(row),
        ReduceOp.Min => TensorPrimitives.Min(row),
        ReduceOp.Prod => Product(row),
        _ => BlockedSum(row),
    };

    private static double Product(ReadOnlySpan<float> row)
    {
        double p = 1.0;
        foreach (float v in row) p *= v;
        return p;
    }

    private static double Identity(ReduceOp op) => op switch
    {
        ReduceOp.Max => double.NegativeInfinity,
        ReduceOp.Min => double.PositiveInfinity,
        ReduceOp.Prod => 1.0,
        _ => 0.0,
    };

    // Math.Max and Math.Min propagate NaN, as TensorPrimitives' do.
    private static double Combine(ReduceOp op, double acc, double v) => op switch
    {
        ReduceOp.Max => Math.Max(acc, v),
        ReduceOp.Min => Math.Min(acc, v),
        ReduceOp.Prod => acc * v,
        _ => acc + v,
    };

    private static float Finish(ReduceOp op, double acc, long count) => (float)(op == ReduceOp.Mean ? acc / count : acc);

    /// <summary>
    /// Index of the largest value along <paramref name="axis"/>; the first wins on ties, and a
    /// NaN counts as largest (its first occurrence wins), as numpy's argmax does. indices is
    /// int32 or int64 with x's shape minus the axis.
    /// </summary>
    public void ArgMax(Tensor x, int axis, Tensor indices)
    {
        RequireFloat(x, "ArgMax", "x");
        if (indices.DType != DType.Int32 && indices.DType != DType.Int64)
            throw new ArgumentException($"ArgMax: indices must be int32 or int64, got {indices.DType.Name()} with shape {indices.Shape}.");
        int ax = x.Shape.NormalizeAxis(axis);
        var dims = new int[x.Rank - 1];
        for (int i = 0, j = 0; i < x.Rank; i++) if (i != ax) dims[j++] = x.Shape[i];
        var expected = new Shape(dims);
        if (indices.Shape != expected)
            throw new ShapeMismatchException("ArgMax", $"x {x.Shape} along axis {axis} gives indices {expected}, but indices is {indices.Shape}.");
        if (indices.Size == 0) return;
        int n = x.Shape[ax];
        if (n == 0) throw new ArgumentException($"ArgMax: axis {axis} of x {x.Shape} is empty.", nameof(axis));
        long inner = x.Shape.SizeOf(ax + 1, x.Rank);
        bool wide = indices.DType == DType.Int64;
        ForRanges(indices.Size, n, (start, count) =>
        {
            var sx = Span<float>(x);
            for (long o = start; o < start + count; o++)
            {
                long outer = o / inner, i = o % inner;
                int offset = (int)(outer * n * inner + i);
                int best = 0;
                float bestValue = sx[offset];
                if (!float.IsNaN(bestValue))
                {
                    for (int k = 1; k < n; k++)
                    {
                        float v = sx[offset + (int)(k * inner)];
                        if (v > bestValue) { bestValue = v; best = k; }
                        else if (float.IsNaN(v)) { best = k; break; }
                    }
                }
                if (wide) Span<long>(indices)[(int)o] = best;
                else Span<int>(indices)[(int)o] = best;
            }
        });
    }
}
