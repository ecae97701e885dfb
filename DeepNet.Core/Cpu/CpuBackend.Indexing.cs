#nullable enable
using System.Numerics;
using System.Numerics.Tensors;

namespace DeepNet.Backends.Cpu;

// Gather and its adjoint ScatterAdd. x is seen as (outer, axisDim, inner) around the gather axis and
// y as (outer, n, inner) with n = indices.Size, so every gathered index moves one contiguous row of
// `inner` elements: the axis-0 case (embedding lookup) is a list of row copies. Values move as raw
// 4- or 8-byte words, so one code path serves float32, int32 and int64.
public sealed partial class CpuBackend
{
    // Gathered elements below which the call runs on one thread.
    private const long ParallelCopyThreshold = 1 << 18;

    public void Gather(Tensor x, Tensor indices, int axis, Tensor y)
    {
        int a = NormalizeAxisFor("Gather", x.Shape, axis);
        CheckIndexDType("Gather", indices);
        CheckSameDType("Gather", x, y);
        var expected = GatheredShape(x.Shape, indices.Shape, a);
        if (y.Shape != expected)
            throw new ShapeMismatchException("Gather", $"x {x.Shape} gathered along axis {axis} by indices {indices.Shape} gives {expected}, got y {y.Shape}.");
        int axisDim = x.Shape[a];
        CheckIndices("Gather", indices, axisDim, a, x.Shape);
        long outer = x.Shape.SizeOf(0, a), inner = x.Shape.SizeOf(a + 1, x.Rank);
        if (x.DType.SizeInBytes() == 4) GatherRows<int>(x, indices, y, outer, axisDim, inner);
        else GatherRows<long>(x, indices, y, outer, axisDim, inner);
    }

    public void ScatterAdd(Tensor updates, Tensor indices, int axis, Tensor y)
    {
        int a = NormalizeAxisFor("ScatterAdd", y.Shape, axis);
        CheckIndexDType("ScatterAdd", indices);
        CheckSameDType("ScatterAdd", updates, y);
        var expected = GatheredShape(y.Shape, indices.Shape, a);
        if (updates.Shape != expected)
            throw new ShapeMismatchException("ScatterAdd", $"y {y.Shape} with indices {indices.Shape} along axis {axis} takes updates {expected}, got updates {updates.Shape}.");
        int axisDim = y.Shape[a];
        CheckIndices("ScatterAdd", indices, axisDim, a, y.Shape);
        long outer = y.Shape.SizeOf(0, a), inner = y.Shape.SizeOf(a + 1, y.Rank);
        switch (y.DType)
        {
            case DType.Float32: ScatterRows<float>(updates, indices, y, outer, axisDim, inner); break;
            case DType.Int32: ScatterRows<int>(updates, indices, y, outer, axisDim, inner); break;
            default: ScatterRows<long>(updates, indices, y, outer, axisDim, inner); break;
        }
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

    private static int NormalizeAxisFor(string op, Shape shape, int axis)
    {
        int a = axis < 0 ? axis + shape.Rank : axis;
        if (a < 0 || a >= shape.Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"{op}: axis {axis} is out of range for shape {shape} (rank {shape.Rank}).");
        return a;
    }

    private static void CheckIndexDType(string op, Tensor indices)
    {
        if (indices.DType is not (DType.Int32 or DType.Int64))
            throw new ArgumentException($"{op}: indices must be int32 or int64, got {indices.DType.Name()} with shape {indices.Shape}.", nameof(indices));
    }

    private static void CheckSameDType(string op, Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
            throw new ArgumentException($"{op}: element types differ: {a.DType.Name()}{a.Shape} and {b.DType.Name()}{b.Shape}.");
    }

    // One pass over the indices before any write, so a bad index leaves the destination untouched.
    private static unsafe void CheckIndices(string op, Tensor indices, int axisDim, int axis, Shape shape)
    {
        long n = indices.Size;
        if (indices.DType == DType.Int32)
        {
            int* p = Pointer<int>(indices);
            for (long j = 0; j < n; j++)
            {
                if ((uint)p[j] >= (uint)axisDim) ThrowBadIndex(op, p[j], j, axisDim, axis, shape);
            }
        }
        else
        {
            long* p = Pointer<long>(indices);
            for (long j = 0; j < n; j++)
            {
                if ((ulong)p[j] >= (ulong)axisDim) ThrowBadIndex(op, p[j], j, axisDim, axis, shape);
            }
        }
    }

    /// <summary>
    /// Throws when a class label of a host tensor lies outside [0, <paramref name="classes"/>), as
    /// Keras (TensorFlow) does; one compare per label. Used by the sparse cross-entropy, whose
    /// one-hot path would otherwise give a silent loss of 0 for such a sample.
    /// </summary>
    internal static unsafe void CheckClassLabels(string op, Tensor labels, int classes)
    {
        long n = labels.Size;
        if (labels.DType == DType.Int32)
        {
            int* p = Pointer<int>(labels);
            for (long j = 0; j < n; j++)
            {
                if ((uint)p[j] >= (uint)classes) ThrowBadLabel(op, p[j], j, classes);
            }
        }
        else
        {
            long* p = Pointer<long>(labels);
            for (long j = 0; j < n; j++)
            {
                if ((ulong)p[j] >= (ulong)classes) ThrowBadLabel(op, p[j], j, classes);
            }
        }
    }

    private static void ThrowBadLabel(string op, long value, long position, int classes) =>
        throw new ArgumentOutOfRangeException("labels", value,
            $"{op}: label {value} (at flat position {position} of labels) is outside the valid range [0, {classes}) of the {classes} classes.");

    private static void ThrowBadIndex(string op, long value, long position, int axisDim, int axis, Shape shape) =>
        throw new ArgumentOutOfRangeException("indices", value,
            $"{op}: index {value} (at flat position {position} of indices) is out of range [0, {axisDim}) for axis {axis} of shape {shape}.");

    private static unsafe long IndexAt(void* indices, bool is64, long j) => is64 ? ((long*)indices)[j] : ((int*)indices)[j];

    private unsafe void GatherRows<T>(Tensor xt, Tensor indices, Tensor yt, long outer, int axisDim, long inner) where T : unmanaged
    {
        T* x = Pointer<T>(xt), y = Pointer<T>(yt);
        void* idx = Pointer<byte>(indices);
        bool is64 = indices.DType == DType.Int64;
        long n = indices.Size, rows = outer * n;
        if (rows == 0 || inner == 0) return;

        void Range(long first, long last)
        {
            for (long r = first; r < last; r++)
            {
                long o = r / n, j = r - o * n;
                T* src = x + (o * axisDim + IndexAt(idx, is64, j)) * inner;
                T* dst = y + r * inner;
                if (inner == 1) *dst = *src;
                else new ReadOnlySpan<T>(src, (int)inner).CopyTo(new Span<T>(dst, (int)inner));
            }
        }

        ForRowChunks(rows, rows * inner, Range);
    }

    // Each y row is accumulated by one worker, over the indices in ascending order, so the sums
    // (and their rounding) do not depend on the thread count. Work splits over (outer, column
    // range) pairs; the index loop stays inside.
    private unsafe void ScatterRows<T>(Tensor ut, Tensor indices, Tensor yt, long outer, int axisDim, long inner)
        where T : unmanaged, IAdditionOperators<T, T, T>, IAdditiveIdentity<T, T>
    {
        T* u = Pointer<T>(ut), y = Pointer<T>(yt);
        void* idx = Pointer<byte>(indices);
        bool is64 = indices.DType == DType.Int64;
        long n = indices.Size;
        if (outer == 0 || inner == 0 || n == 0) return;
        // Whole rows when there are enough outer positions to share; else column ranges of at
        // least 256 elements (the embedding-gradient case: outer = 1).
        long columnChunk = outer >= Threads ? inner : Math.Max(256, (inner + Threads - 1) / Threads);
        long columnParts = (inner + columnChunk - 1) / columnChunk;
        long parts = outer * columnParts;

        void Part(long p)
        {
            long o = p / columnParts, c0 = (p - o * columnParts) * columnChunk;
            int width = (int)Math.Min(columnChunk, inner - c0);
            for (long j = 0; j < n; j++)
            {
                T* src = u + (o * n + j) * inner + c0;
                T* dst = y + (o * axisDim + IndexAt(idx, is64, j)) * inner + c0;
                if (width == 1) *dst += *src;
                else
                {
                    var d = new Span<T>(dst, width);
                    TensorPrimitives.Add<T>(d, new ReadOnlySpan<T>(src, width), d);
                }
            }
        }

        if (parts == 1 || Threads <= 1 || outer * n * inner < ParallelCopyThreshold)
        {
            for (long p = 0; p < parts; p++) Part(p);
        }
        else
        {
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = Threads }, Part);
        }
    }

    /// <summary>Runs body over [0, rows) in a few contiguous chunks, in parallel when the work is big.</summary>
    private void ForRowChunks(long rows, long elements, Action<long, long> body)
    {
        int workers = (int)Math.Min(Threads, rows);
        if (workers <= 1 || elements < ParallelCopyThreshold)
        {
            body(0, rows);
            return;
        }
        long chunk = (rows + workers - 1) / workers;
        FanOut.For(workers, workers, w => body(w * chunk, Math.Min(rows, (w + 1) * chunk)));
    }
}
