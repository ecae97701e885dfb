#nullable enable
namespace DeepNet.Backends.Cpu;

// Transpose of any rank: y.shape[i] = x.shape[perm[i]]. The permutation is first simplified (size-1
// axes dropped, axes that stay neighbours merged), so e.g. NHWC→NCHW becomes a batched 2-D
// transpose. Then: a permutation keeping the last axis is a list of row copies; a 2-D (or batched
// 2-D) one is a blocked transpose, 32×32 tiles so reads and writes both stay in cache; anything
// else walks y in order, reading x with strides.
public sealed partial class CpuBackend
{
    private const int TransposeTile = 32;

    public void Transpose(Tensor x, ReadOnlySpan<int> permutation, Tensor y)
    {
        CheckSameDType("Transpose", x, y);
        int rank = x.Rank;
        string perm = Shape.Format(permutation.ToArray());
        if (permutation.Length != rank || y.Rank != rank)
            throw new ShapeMismatchException("Transpose", $"permutation {perm} does not fit x {x.Shape} and y {y.Shape}.");
        Span<bool> seen = stackalloc bool[rank];
        seen.Clear();
        for (int i = 0; i < rank; i++)
        {
            int p = permutation[i];
            if (p < 0 || p >= rank || seen[p])
                throw new ArgumentException($"Transpose: {perm} is not a permutation of the axes of x {x.Shape}.", nameof(permutation));
            seen[p] = true;
        }
        for (int i = 0; i < rank; i++)
        {
            if (y.Shape[i] != x.Shape[permutation[i]])
                throw new ShapeMismatchException("Transpose", $"x {x.Shape} permuted by {perm} gives a different shape than y {y.Shape}.");
        }
        if (x.Size == 0) return;

        Span<int> dims = stackalloc int[rank];
        Span<int> order = stackalloc int[rank];
        int r = SimplifyPermutation(x.Shape.AsSpan(), permutation, dims, order);
        dims = dims[..r];
        order = order[..r];
        if (x.DType.SizeInBytes() == 4) TransposeCore<int>(x, y, dims, order);
        else TransposeCore<long>(x, y, dims, order);
    }

    /// <summary>
    /// Drops size-1 axes and merges runs of x axes that stay consecutive in y. Writes the merged x
    /// dims and the merged permutation; returns the new rank (0 when every axis had size 1).
    /// </summary>
    private static int SimplifyPermutation(ReadOnlySpan<int> xDims, ReadOnlySpan<int> perm, Span<int> dims, Span<int> order)
    {
        int rank = xDims.Length;
        // Renumber the x axes that are kept.
        Span<int> newIndex = stackalloc int[rank];
        int kept = 0;
        for (int a = 0; a < rank; a++) newIndex[a] = xDims[a] == 1 ? -1 : kept++;
        Span<int> p = stackalloc int[kept];
        Span<int> keptDims = stackalloc int[kept];
        int n = 0;
        for (int i = 0; i < rank; i++)
        {
            if (newIndex[perm[i]] >= 0) p[n++] = newIndex[perm[i]];
        }
        for (int a = 0; a < rank; a++)
        {
            if (newIndex[a] >= 0) keptDims[newIndex[a]] = xDims[a];
        }
        if (kept == 0) return 0;

        // Groups of y positions whose x axes are consecutive; groupStart[g] = first x axis.
        Span<int> groupStart = stackalloc int[kept];
        Span<int> groupDim = stackalloc int[kept];
        int groups = 0;
        for (int i = 0; i < kept; i++)
        {
            if (i > 0 && p[i] == p[i - 1] + 1) groupDim[groups - 1] *= keptDims[p[i]];
            else
            {
                groupStart[groups] = p[i];
                groupDim[groups] = keptDims[p[i]];
                groups++;
            }
        }
        // A group's new x axis number is its rank among the groups' starting x axes.
        for (int g = 0; g < groups; g++)
        {
            int xAxis = 0;
            for (int h = 0; h < groups; h++)
            {
                if (groupStart[h] < groupStart[g]) xAxis++;
            }
            order[g] = xAxis;
            dims[xAxis] = groupDim[g];
        }
        return groups;
    }

    private unsafe void TransposeCore<T>(Tensor xt, Tensor yt, ReadOnlySpan<int> dims, ReadOnlySpan<int> order) where T : unmanaged
    {
        T* x = Pointer<T>(xt), y = Pointer<T>(yt);
        int rank = dims.Length;
        if (rank <= 1 || order[rank - 1] == rank - 1 && IsIdentity(order))
        {
            new ReadOnlySpan<T>(x, (int)xt.Size).CopyTo(new Span<T>(y, (int)yt.Size));
            return;
        }
        if (rank == 2)
        {
            TransposeBatched(x, y, 1, dims[0], dims[1]);
            return;
        }
        if (rank == 3 && order[0] == 0 && order[1] == 2 && order[2] == 1)
        {
            TransposeBatched(x, y, dims[0], dims[1], dims[2]);
            return;
        }
        if (order[rank - 1] == rank - 1) TransposeStrided(x, y, dims, order);
        else TransposeTiled(x, y, dims, order);
    }

    private static bool IsIdentity(ReadOnlySpan<int> order)
    {
        for (int i = 0; i < order.Length; i++)
        {
            if (order[i] != i) return false;
        }
        return true;
    }

    // x (batch, rows, cols) → y (batch, cols, rows), in 32×32 tiles; tiles split over threads.
    private unsafe void TransposeBatched<T>(T* x, T* y, int batch, int rows, int cols) where T : unmanaged
    {
        int rowTiles = (rows + TransposeTile - 1) / TransposeTile;
        long tasks = (long)batch * rowTiles;
        long matrix = (long)rows * cols;

        void Range(long first, long last)
        {
            for (long t = first; t < last; t++)
            {
                long b = t / rowTiles;
                int r0 = (int)(t - b * rowTiles) * TransposeTile, r1 = Math.Min(rows, r0 + TransposeTile);
                T* xb = x + b * matrix, yb = y + b * matrix;
                for (int c0 = 0; c0 < cols; c0 += TransposeTile)
                {
                    int c1 = Math.Min(cols, c0 + TransposeTile);
                    for (int r = r0; r < r1; r++)
                    {
                        T* src = xb + (long)r * cols;
                        for (int c = c0; c < c1; c++) yb[(long)c * rows + r] = src[c];
                    }
                }
            }
        }

        ForRowChunks(tasks, batch * matrix, Range);
    }

    // Last axis moves: for every position of the other axes, a tiled 2-D copy between x's last
    // axis (contiguous in x) and the x axis that becomes y's last (contiguous in y).
    private unsafe void TransposeTiled<T>(T* x, T* y, ReadOnlySpan<int> dims, ReadOnlySpan<int> order) where T : unmanaged
    {
        int rank = dims.Length;
        var xStride = new long[rank];
        long s = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            xStride[d] = s;
            s *= dims[d];
        }
        var yStride = new long[rank];
        long t = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            yStride[i] = t;
            t *= dims[order[i]];
        }
        int a = order[rank - 1];                 // x axis that is y's last
        int q = order.IndexOf(rank - 1);         // y position of x's last axis
        int rows = dims[a], cols = dims[rank - 1];
        long rowStride = xStride[a], colStride = yStride[q];
        // The other axes, in y order (the last one varies fastest).
        var outerSize = new int[rank - 2];
        var outerX = new long[rank - 2];
        var outerY = new long[rank - 2];
        long outer = 1;
        for (int i = 0, k = 0; i < rank - 1; i++)
        {
            if (i == q) continue;
            outerSize[k] = dims[order[i]];
            outerX[k] = xStride[order[i]];
            outerY[k] = yStride[i];
            outer *= outerSize[k++];
        }

        void Range(long first, long last)
        {
            for (long o = first; o < last; o++)
            {
                long rest = o, xo = 0, yo = 0;
                for (int k = outerSize.Length - 1; k >= 0; k--)
                {
                    long index = rest % outerSize[k];
                    rest /= outerSize[k];
                    xo += index * outerX[k];
                    yo += index * outerY[k];
                }
                T* xb = x + xo, yb = y + yo;
                for (int r0 = 0; r0 < rows; r0 += TransposeTile)
                {
                    int r1 = Math.Min(rows, r0 + TransposeTile);
                    for (int c0 = 0; c0 < cols; c0 += TransposeTile)
                    {
                        int c1 = Math.Min(cols, c0 + TransposeTile);
                        for (int r = r0; r < r1; r++)
                        {
                            T* src = xb + r * rowStride;
                            for (int c = c0; c < c1; c++) yb[c * colStride + r] = src[c];
                        }
                    }
                }
            }
        }

        ForRowChunks(outer, s, Range);
    }

    // Last axis kept: y in order, one y row at a time, each a contiguous run of x.
    private static unsafe void TransposeStrided<T>(T* x, T* y, ReadOnlySpan<int> dims, ReadOnlySpan<int> order) where T : unmanaged
    {
        int rank = dims.Length;
        Span<long> xStride = stackalloc long[rank];
        long s = 1;
        for (int a = rank - 1; a >= 0; a--)
        {
            xStride[a] = s;
            s *= dims[a];
        }
        // Strides and sizes in y's axis order.
        Span<long> stride = stackalloc long[rank];
        Span<int> size = stackalloc int[rank];
        for (int i = 0; i < rank; i++)
        {
            stride[i] = xStride[order[i]];
            size[i] = dims[order[i]];
        }
        int rowLength = size[rank - 1];
        long rows = s / rowLength;
        Span<int> index = stackalloc int[rank - 1];
        index.Clear();
        long xOffset = 0;
        T* dst = y;
        for (long r = 0; r < rows; r++)
        {
            new ReadOnlySpan<T>(x + xOffset, rowLength).CopyTo(new Span<T>(dst, rowLength));
            dst += rowLength;
            for (int d = rank - 2; d >= 0; d--)
            {
                xOffset += stride[d];
                if (++index[d] < size[d]) break;
                index[d] = 0;
                xOffset -= stride[d] * size[d];
            }
        }
    }
}
