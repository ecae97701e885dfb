#nullable enable
using DeepNet.Cuda.Kernels;

namespace DeepNet.Cuda;

// Concat, Slice, Pad, Transpose, Tile, Gather and ScatterAdd (layout.cu). Values move as raw 4- or
// 8-byte words, so every dtype is exact. Concat, Slice, Pad and Transpose are one strided box copy
// each (per input for Concat). Checks are the CPU backend's, except that Gather/ScatterAdd indices
// are not read back to the host (that would stall the stream): out-of-range indices gather zeros
// and scatter nothing.
public sealed unsafe partial class CudaBackend
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
        var yStrides = Dims.StridesOf(y.Shape.AsSpan(), "Concat");
        long along = 0;
        foreach (var t in inputs)
        {
            var sizes = Dims.Of(t.Shape.AsSpan(), "Concat");
            var strides = Dims.StridesOf(t.Shape.AsSpan(), "Concat");
            CopyBox(t, y, t.Rank, sizes, strides, 0, yStrides, along * yStrides[a]);
            along += t.Shape[a];
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
        var xStrides = Dims.StridesOf(x.Shape.AsSpan(), "Slice");
        long offset = 0;
        for (int d = 0; d < x.Rank; d++) offset += begin[d] * xStrides[d];
        CopyBox(x, y, x.Rank, Dims.Of(y.Shape.AsSpan(), "Slice"), xStrides, offset, Dims.StridesOf(y.Shape.AsSpan(), "Slice"), 0);
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
        var yStrides = Dims.StridesOf(y.Shape.AsSpan(), "Pad");
        long offset = 0;
        for (int d = 0; d < x.Rank; d++) offset += before[d] * yStrides[d];
        CopyBox(x, y, x.Rank, Dims.Of(x.Shape.AsSpan(), "Pad"), Dims.StridesOf(x.Shape.AsSpan(), "Pad"), 0, yStrides, offset);
    }

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
        // y[i0, i1, ...] = x at Σ i_k · xStride[perm[k]]: a box over y's dims reading x permuted.
        var xStrides = Dims.StridesOf(x.Shape.AsSpan(), "Transpose");
        var source = default(Dims);
        for (int i = 0; i < rank; i++) source[i] = xStrides[permutation[i]];
        CopyBox(x, y, rank, Dims.Of(y.Shape.AsSpan(), "Transpose"), source, 0, Dims.StridesOf(y.Shape.AsSpan(), "Transpose"), 0);
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
        EnterContext();
        int rank = x.Rank;
        long n = y.Size;
        var ySizes = Dims.Of(y.Shape.AsSpan(), "Tile");
        var xSizes = Dims.Of(x.Shape.AsSpan(), "Tile");
        var xStrides = Dims.StridesOf(x.Shape.AsSpan(), "Tile");
        ulong px = Ptr(x), py = Ptr(y);
        void** args = stackalloc void*[7];
        args[0] = &n;
        args[1] = &rank;
        args[2] = &ySizes;
        args[3] = &xSizes;
        args[4] = &xStrides;
        args[5] = &px;
        args[6] = &py;
        Launch(_kernels.Function("layout.cu", x.DType.SizeInBytes() == 4 ? "tile_u32" : "tile_u64"), n, args);
    }

    /// <summary>dst[dstOffset + Σ i·dstStrides] = src[srcOffset + Σ i·srcStrides] over the box <paramref name="sizes"/>.</summary>
    private void CopyBox(Tensor src, Tensor dst, int rank, Dims sizes, Dims srcStrides, long srcOffset, Dims dstStrides, long dstOffset)
    {
        long n = 1;
        for (int d = 0; d < rank; d++) n *= sizes[d];
        if (n == 0) return;
        EnterContext();
        ulong ps = Ptr(src), pd = Ptr(dst);
        void** args = stackalloc void*[9];
        args[0] = &n;
        args[1] = &rank;
        args[2] = &sizes;
        args[3] = &srcStrides;
        args[4] = &srcOffset;
        args[5] = &dstStrides;
        args[6] = &dstOffset;
        args[7] = &ps;
        args[8] = &pd;
        Launch(_kernels.Function("layout.cu", src.DType.SizeInBytes() == 4 ? "copy_box_u32" : "copy_box_u64"), n, args);
    }

    public void Gather(Tensor x, Tensor indices, int axis, Tensor y)
    {
        int a = NormalizeAxisFor("Gather", x.Shape, axis);
        CheckIndexDType("Gather", indices);
        CheckSameDType("Gather", x, y);
        var expected = GatheredShape(x.Shape, indices.Shape, a);
        if (y.Shape != expected)
            throw new ShapeMismatchException("Gather", $"x {x.Shape} gathered along axis {axis} by indices {indices.Shape} gives {expected}, got y {y.Shape}.");
        if (y.Size == 0) return;
        EnterContext();
        long n = indices.Size, axisDim = x.Shape[a], inner = x.Shape.SizeOf(a + 1, x.Rank);
        long total = y.Size;
        int wide = indices.DType == DType.Int64 ? 1 : 0;
        ulong px = Ptr(x), pi = Ptr(indices), py = Ptr(y), error = ErrorRecord();
        void** args = stackalloc void*[9];
        args[0] = &total;
        args[1] = &n;
        args[2] = &axisDim;
        args[3] = &inner;
        args[4] = &px;
        args[5] = &pi;
        args[6] = &wide;
        args[7] = &py;
        args[8] = &error;
        Launch(_kernels.Function("layout.cu", x.DType.SizeInBytes() == 4 ? "gather_u32" : "gather_u64"), total, args);
    }

    public void ScatterAdd(Tensor updates, Tensor indices, int axis, Tensor y)
    {
        int a = NormalizeAxisFor("ScatterAdd", y.Shape, axis);
        CheckIndexDType("ScatterAdd", indices);
        CheckSameDType("ScatterAdd", updates, y);
        var expected = GatheredShape(y.Shape, indices.Shape, a);
        if (updates.Shape != expected)
            throw new ShapeMismatchException("ScatterAdd", $"y {y.Shape} with indices {indices.Shape} along axis {axis} takes updates {expected}, got updates {updates.Shape}.");
        long n = indices.Size, axisDim = y.Shape[a], inner = y.Shape.SizeOf(a + 1, y.Rank), outer = y.Shape.SizeOf(0, a);
        if (outer == 0 || inner == 0 || n == 0) return;
        EnterContext();
        int wide = indices.DType == DType.Int64 ? 1 : 0;
        ulong pu = Ptr(updates), pi = Ptr(indices), py = Ptr(y), error = ErrorRecord();
        void** args = stackalloc void*[9];
        args[0] = &outer;
        args[1] = &n;
        args[2] = &axisDim;
        args[3] = &inner;
        args[4] = &pu;
        args[5] = &pi;
        args[6] = &wide;
        args[7] = &py;
        args[8] = &error;
        string kernel = y.DType switch
        {
            DType.Float32 => "scatter_add_f32",
            DType.Int32 => "scatter_add_i32",
            _ => "scatter_add_i64",
        };
        Launch(_kernels.Function("layout.cu", kernel), outer * inner, args);
    }

    /// <summary>x.shape[:axis] + indices.shape + x.shape[axis+1:].</summary>
    private static Shape GatheredShape(Shape x, Shape indices, int axis)
    {
        var dims = new int[x.Rank - 1 + indices.Rank];
        for (int i = 0; i < axis; i++) dims[i] = x[i];
        for (int i = 0; i < indices.Rank; i++) dims[axis + i] = indices[i];
        for (int i = axis + 1; i < x.Rank; i++) dims[indices.Rank + i - 1] = x[i];
        return new Shape(dims);
    }

    private static void CheckIndexDType(string op, Tensor indices)
    {
        if (indices.DType is not (DType.Int32 or DType.Int64))
            throw new ArgumentException($"{op}: indices must be int32 or int64, got {indices.DType.Name()} with shape {indices.Shape}.", nameof(indices));
    }
}
