#nullable enable
namespace DeepNet.Backends.Cpu;

// Concat, Slice, Pad, Transpose and Tile: pure data movement, exact for every dtype. Elements move
// as raw 4- or 8-byte words (float32/int32 as int, int64 as long). Each op reduces to copies of
// contiguous rows: the longest run of trailing axes that both sides store contiguously.
public sealed partial class CpuBackend
{
    public void Concat(IReadOnlyList<Tensor> inputs, int axis, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException("Concat: needs at least one input.", nameof(inputs));
        int a = NormalizeAxisFor("Concat", y.Shape, axis);
        long total = 0;
        foreach (var t in inputs)
        {
            CheckSameDType("Concat", t, y);
            bool fits = t.Rank == y.Rank;
            for (int d = 0; fits && d < y.Rank; d++) fits = d == a || t.Shape[d] == y.Shape[d];
            if (!fits)
                throw new ShapeMismatchException("Concat", $"input {t.Shape} does not match output {y.Shape} outside axis {axis}.");
            total += t.Shape[a];
        }
        if (total != y.Shape[a])
            throw new ShapeMismatchException("Concat", $"inputs ({string.Join(", ", inputs.Select(t => t.Shape))}) sum to {total} along axis {axis}, but y {y.Shape} has {y.Shape[a]}.");
        if (y.DType.SizeInBytes() == 4) ConcatRows<int>(inputs, a, y);
        else ConcatRows<long>(inputs, a, y);
    }

    private static unsafe void ConcatRows<T>(IReadOnlyList<Tensor> inputs, int axis, Tensor yt) where T : unmanaged
    {
        long outer = yt.Shape.SizeOf(0, axis), inner = yt.Shape.SizeOf(axis + 1, yt.Rank);
        long yRow = yt.Shape[axis] * inner;
        T* y = Pointer<T>(yt);
        long column = 0;
        foreach (var t in inputs)
        {
            long row = t.Shape[axis] * inner;
            T* x = Pointer<T>(t);
            for (long o = 0; o < outer && row > 0; o++)
                new ReadOnlySpan<T>(x + o * row, (int)row).CopyTo(new Span<T>(y + o * yRow + column, (int)row));
            column += row;
        }
    }

    public void Slice(Tensor x, ReadOnlySpan<int> begin, Tensor y)
    {
        CheckSameDType("Slice", x, y);
        if (begin.Length != x.Rank || y.Rank != x.Rank)
            throw new ShapeMismatchException("Slice", $"x {x.Shape}, begin {Shape.Format(begin.ToArray())} and y {y.Shape} must have the same rank.");
        for (int d = 0; d < x.Rank; d++)
        {
            if (begin[d] < 0 || (long)begin[d] + y.Shape[d] > x.Shape[d])
                throw new ShapeMismatchException("Slice", $"begin {Shape.Format(begin.ToArray())} with size {y.Shape} does not fit in x {x.Shape} (axis {d}).");
        }
        Span<int> zero = stackalloc int[x.Rank];
        zero.Clear();
        CopyBox(x, begin, y, zero, y.Shape.AsSpan());
    }

    public void Pad(Tensor x, ReadOnlySpan<int> before, float value, Tensor y)
    {
        CheckSameDType("Pad", x, y);
        if (before.Length != x.Rank || y.Rank != x.Rank)
            throw new ShapeMismatchException("Pad", $"x {x.Shape}, before {Shape.Format(before.ToArray())} and y {y.Shape} must have the same rank.");
        for (int d = 0; d < x.Rank; d++)
        {
            if (before[d] < 0 || (long)before[d] + x.Shape[d] > y.Shape[d])
                throw new ShapeMismatchException("Pad", $"x {x.Shape} padded before by {Shape.Format(before.ToArray())} does not fit in y {y.Shape} (axis {d}).");
        }
        Fill(y, value);
        Span<int> zero = stackalloc int[x.Rank];
        zero.Clear();
        CopyBox(x, zero, y, before, x.Shape.AsSpan());
    }

    /// <summary>Copies the box of <paramref name="size"/> at <paramref name="srcBegin"/> in src to <paramref name="dstBegin"/> in dst.</summary>
    private static unsafe void CopyBox(Tensor src, ReadOnlySpan<int> srcBegin, Tensor dst, ReadOnlySpan<int> dstBegin, ReadOnlySpan<int> size)
    {
        int rank = size.Length;
        long count = 1;
        foreach (int s in size) count *= s;
        if (count == 0) return;
        int es = src.DType.SizeInBytes();
        byte* s0 = (byte*)Pointer<byte>(src), d0 = (byte*)Pointer<byte>(dst);
        var srcDims = src.Shape.AsSpan();
        var dstDims = dst.Shape.AsSpan();
        if (rank == 0)
        {
            Buffer.MemoryCopy(s0, d0, es, es);
            return;
        }
        Span<long> srcStride = stackalloc long[rank], dstStride = stackalloc long[rank];
        long ss = 1, ds = 1, srcOffset = 0, dstOffset = 0;
        for (int d = rank - 1; d >= 0; d--)
        {
            srcStride[d] = ss;
            dstStride[d] = ds;
            srcOffset += srcBegin[d] * ss;
            dstOffset += dstBegin[d] * ds;
            ss *= srcDims[d];
            ds *= dstDims[d];
        }
        // Trailing axes covered fully on both sides merge into one contiguous run.
        int k = rank - 1;
        long run = size[k];
        while (k > 0 && size[k] == srcDims[k] && size[k] == dstDims[k])
        {
            k--;
            run *= size[k];
        }
        long runBytes = run * es;
        Span<int> index = stackalloc int[Math.Max(k, 1)];
        index.Clear();
        long rows = count / run;
        for (long r = 0; r < rows; r++)
        {
            Buffer.MemoryCopy(s0 + srcOffset * es, d0 + dstOffset * es, runBytes, runBytes);
            // Odometer over axes [0, k): advance the last one, carrying into earlier ones.
            for (int d = k - 1; d >= 0; d--)
            {
                srcOffset += srcStride[d];
                dstOffset += dstStride[d];
                if (++index[d] < size[d]) break;
                index[d] = 0;
                srcOffset -= srcStride[d] * size[d];
                dstOffset -= dstStride[d] * size[d];
            }
        }
    }

    public void Tile(Tensor x, Tensor y)
    {
        CheckSameDType("Tile", x, y);
        bool fits = x.Rank == y.Rank;
        for (int d = 0; fits && d < x.Rank; d++)
            fits = x.Shape[d] == 0 ? y.Shape[d] == 0 : y.Shape[d] % x.Shape[d] == 0;
        if (!fits)
            throw new ShapeMismatchException("Tile", $"y {y.Shape} is not a whole number of repeats of x {x.Shape}.");
        if (y.Size == 0) return;
        if (x.DType.SizeInBytes() == 4) TileRows<int>(x, y);
        else TileRows<long>(x, y);
    }

    // Builds y one y-row (last axis) at a time: the matching x row is copied once and then doubled
    // in place until the row is full.
    private static unsafe void TileRows<T>(Tensor xt, Tensor yt) where T : unmanaged
    {
        int rank = xt.Rank;
        T* x = Pointer<T>(xt), y = Pointer<T>(yt);
        if (rank == 0)
        {
            *y = *x;
            return;
        }
        var xDims = xt.Shape.AsSpan();
        var yDims = yt.Shape.AsSpan();
        int xRow = xDims[rank - 1], yRow = yDims[rank - 1];
        long rows = yt.Size / yRow;
        Span<long> xStride = stackalloc long[rank];
        long s = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            xStride[d] = s;
            s *= xDims[d];
        }
        Span<int> index = stackalloc int[rank];
        index.Clear();
        long xOffset = 0;
        for (long r = 0; r < rows; r++)
        {
            var dst = new Span<T>(y + r * yRow, yRow);
            new ReadOnlySpan<T>(x + xOffset, xRow).CopyTo(dst);
            for (int filled = xRow; filled < yRow;)
            {
                int n = Math.Min(filled, yRow - filled);
                dst.Slice(0, n).CopyTo(dst.Slice(filled));
                filled += n;
            }
            // Odometer over y's leading axes; the x offset follows index mod x's dims.
            for (int d = rank - 2; d >= 0; d--)
            {
                int before = index[d] % xDims[d];
                index[d]++;
                int after = index[d] % xDims[d];
                xOffset += (after - before) * xStride[d];
                if (index[d] < yDims[d]) break;
                index[d] = 0;
            }
        }
    }
}
