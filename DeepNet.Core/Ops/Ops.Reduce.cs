#nullable enable
using DeepNet.Autograd;
using DeepNet.Backends;

namespace DeepNet;

// Reductions over axes. axes = null reduces every axis; keepDims keeps the reduced axes as size 1.
// Backward: the output gradient is seen with the reduced axes kept (a view) and broadcast back.
public static partial class Ops
{
    /// <summary>Sum over <paramref name="axes"/> (null: all).</summary>
    public static Tensor Sum(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        var (y, kept) = ReduceKernel("Sum", ReduceOp.Sum, x, axes, keepDims);
        if (Recording)
        {
            GradientTape.Record("Sum", y, [x], (dy, _) =>
            {
                using var g = dy.Reshape(kept);
                return [BroadcastKernel(g, x.Shape)];
            });
        }
        return y;
    }

    /// <summary>Mean over <paramref name="axes"/> (null: all).</summary>
    public static Tensor Mean(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        var (y, kept) = ReduceKernel("Mean", ReduceOp.Mean, x, axes, keepDims);
        if (Recording)
        {
            float count = kept.Size == 0 ? 1f : (float)((double)x.Size / kept.Size);
            GradientTape.Record("Mean", y, [x], (dy, _) =>
            {
                using var g = dy.Reshape(kept);
                using var scaled = Multiply(g, 1f / count);
                return [BroadcastKernel(scaled, x.Shape)];
            });
        }
        return y;
    }

    /// <summary>Maximum over <paramref name="axes"/>; tied maxima share the gradient equally (as TensorFlow).</summary>
    public static Tensor Max(Tensor x, int[]? axes = null, bool keepDims = false) => Extreme("Max", ReduceOp.Max, x, axes, keepDims);

    /// <summary>Minimum over <paramref name="axes"/>; tied minima share the gradient equally (as TensorFlow).</summary>
    public static Tensor Min(Tensor x, int[]? axes = null, bool keepDims = false) => Extreme("Min", ReduceOp.Min, x, axes, keepDims);

    private static Tensor Extreme(string op, ReduceOp kind, Tensor x, int[]? axes, bool keepDims)
    {
        var (y, kept) = ReduceKernel(op, kind, x, axes, keepDims);
        if (Recording)
        {
            int[] reduced = NormalizeAxes(op, x.Shape, axes);
            GradientTape.Record(op, y, [x], (dy, _) =>
            {
                using var yKept = y.Reshape(kept);
                using var dyKept = dy.Reshape(kept);
                using var selected = Equal(x, yKept);
                using var count = Sum(selected, reduced, keepDims: true);
                using var share = Divide(dyKept, count);
                return [Multiply(selected, share)];
            });
        }
        return y;
    }

    /// <summary>Product over <paramref name="axes"/>. Its gradient divides by x, so it needs x ≠ 0.</summary>
    public static Tensor Prod(Tensor x, int[]? axes = null, bool keepDims = false)
    {
        var (y, kept) = ReduceKernel("Prod", ReduceOp.Prod, x, axes, keepDims);
        if (Recording)
        {
            GradientTape.Record("Prod", y, [x], (dy, _) =>
            {
                using var yKept = y.Reshape(kept);
                using var dyKept = dy.Reshape(kept);
                using var dyY = Multiply(dyKept, yKept);
                return [Divide(dyY, x)];
            });
        }
        return y;
    }

    /// <summary>Index of the largest value along <paramref name="axis"/> (first one at ties); the axis is removed. Not differentiable.</summary>
    public static Tensor ArgMax(Tensor x, int axis = -1, DType dtype = DType.Int32)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckFloat("ArgMax", x);
        if (dtype == DType.Float32) throw new ArgumentException("ArgMax: indices are int32 or int64, not float32.", nameof(dtype));
        int a = NormalizeAxis("ArgMax", x.Shape, axis);
        var dims = new List<int>(x.Shape);
        dims.RemoveAt(a);
        var indices = Tensor.Empty(new Shape(dims), dtype, x.Backend);
        x.Backend.ArgMax(x, a, indices);
        return indices;
    }

    /// <summary>Index of the smallest value along <paramref name="axis"/>; the axis is removed. Not differentiable.</summary>
    public static Tensor ArgMin(Tensor x, int axis = -1, DType dtype = DType.Int32)
    {
        using var negated = UnaryKernel("ArgMin", UnaryOp.Negate, x);
        return ArgMax(negated, axis, dtype);
    }

    /// <summary>Runs the reduce kernel; returns the result (shaped per keepDims) and the keep-dims shape.</summary>
    private static (Tensor Y, Shape Kept) ReduceKernel(string op, ReduceOp kind, Tensor x, int[]? axes, bool keepDims)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckFloat(op, x);
        int[] reduced = NormalizeAxes(op, x.Shape, axes);
        var keptDims = x.Shape.ToArray();
        foreach (int a in reduced) keptDims[a] = 1;
        var kept = new Shape(keptDims);
        var y = NewLike(x, kept);
        x.Backend.Reduce(kind, x, reduced, y);
        if (keepDims) return (y, kept);

        var outDims = new List<int>(x.Rank);
        for (int i = 0, r = 0; i < x.Rank; i++)
        {
            if (r < reduced.Length && reduced[r] == i) r++;
            else outDims.Add(x.Shape[i]);
        }
        return (ReshapeOwned(y, new Shape(outDims)), kept);
    }
}
