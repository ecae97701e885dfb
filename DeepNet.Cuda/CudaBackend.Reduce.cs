#nullable enable
using DeepNet.Backends;
using DeepNet.Cuda.Kernels;

namespace DeepNet.Cuda;

// Reductions and argmax (reduce.cu). x is seen as (kept dims, reduced dims): output o is the fold
// of the elements at offset(o over kept dims) + offset(m over reduced dims), m < count.
public sealed unsafe partial class CudaBackend
{
    // Reductions at least this long get a block per output; shorter ones a thread per output.
    private const long BlockReductionThreshold = 128;

    public void Reduce(ReduceOp op, Tensor x, ReadOnlySpan<int> axes, Tensor y)
    {
        string name = $"Reduce {op}";
        RequireFloat(x, name, "x");
        RequireFloat(y, name, "y");
        Dims.CheckRank(x.Rank, name);
        Span<bool> reduced = stackalloc bool[x.Rank];
        reduced.Clear();
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
            // Over nothing: the identity of the op (mean of nothing is NaN), as on the CPU.
            Fill(y, op switch
            {
                ReduceOp.Sum => 0f,
                ReduceOp.Mean => float.NaN,
                ReduceOp.Max => float.NegativeInfinity,
                ReduceOp.Min => float.PositiveInfinity,
                _ => 1f,
            });
            return;
        }

        var strides = Dims.StridesOf(x.Shape.AsSpan(), name);
        Dims keptSizes = default, keptStrides = default, reducedSizes = default, reducedStrides = default;
        int keptRank = 0, reducedRank = 0;
        for (int i = 0; i < x.Rank; i++)
        {
            if (reduced[i])
            {
                reducedSizes[reducedRank] = x.Shape[i];
                reducedStrides[reducedRank++] = strides[i];
            }
            else
            {
                keptSizes[keptRank] = x.Shape[i];
                keptStrides[keptRank++] = strides[i];
            }
        }
        EnterContext();
        int code = (int)op;
        long outputs = y.Size;
        ulong px = Ptr(x), py = Ptr(y);
        void** args = stackalloc void*[11];
        args[0] = &code;
        args[1] = &outputs;
        args[2] = &count;
        args[3] = &keptRank;
        args[4] = &keptSizes;
        args[5] = &keptStrides;
        args[6] = &reducedRank;
        args[7] = &reducedSizes;
        args[8] = &reducedStrides;
        args[9] = &px;
        args[10] = &py;
        if (count >= BlockReductionThreshold) LaunchBlocks(_kernels.Function("reduce.cu", "reduce_block_f32"), outputs, args);
        else Launch(_kernels.Function("reduce.cu", "reduce_thread_f32"), outputs, args);
    }

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
        long n = x.Shape[ax];
        if (n == 0) throw new ArgumentException($"ArgMax: axis {axis} of x {x.Shape} is empty.", nameof(axis));
        EnterContext();
        long inner = x.Shape.SizeOf(ax + 1, x.Rank);
        long outputs = indices.Size;
        int wide = indices.DType == DType.Int64 ? 1 : 0;
        ulong px = Ptr(x), pi = Ptr(indices);
        void** args = stackalloc void*[6];
        args[0] = &outputs;
        args[1] = &n;
        args[2] = &inner;
        args[3] = &px;
        args[4] = &pi;
        args[5] = &wide;
        Launch(_kernels.Function("reduce.cu", "argmax_f32"), outputs, args);
    }
}
