#nullable enable
using DeepNet.Autograd;
using DeepNet.Backends;

namespace DeepNet;

// Gather (embedding lookup) and its adjoint; one-hot encoding.
public static partial class Ops
{
    /// <summary>
    /// Takes slices of x at integer <paramref name="indices"/> along <paramref name="axis"/>:
    /// result shape x[:axis] + indices.shape + x[axis+1:]. The gradient scatters-adds back into zeros,
    /// so repeated indices accumulate.
    /// </summary>
    public static Tensor Gather(Tensor x, Tensor indices, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(indices);
        SameBackend("Gather", x, indices);
        CheckInteger("Gather", indices, "indices");
        int a = NormalizeAxis("Gather", x.Shape, axis);
        var dims = new List<int>();
        for (int i = 0; i < a; i++) dims.Add(x.Shape[i]);
        dims.AddRange(indices.Shape);
        for (int i = a + 1; i < x.Rank; i++) dims.Add(x.Shape[i]);
        var y = Tensor.Empty(new Shape(dims), x.DType, x.Backend);
        x.Backend.Gather(x, indices, a, y);
        if (Recording && x.DType == DType.Float32)
        {
            GradientTape.Record("Gather", y, [x, indices], (dy, want) =>
            {
                var dx = Tensor.Zeros(x.Shape, DType.Float32, x.Backend);
                x.Backend.ScatterAdd(dy, indices, a, dx);
                return [dx, null];
            });
        }
        return y;
    }

    /// <summary>
    /// One-hot float32 encoding of integer <paramref name="indices"/> (…) → (…, depth); indices
    /// outside [0, depth) give a row of zeros. Not differentiable.
    /// </summary>
    public static Tensor OneHot(Tensor indices, int depth)
    {
        ArgumentNullException.ThrowIfNull(indices);
        CheckInteger("OneHot", indices, "indices");
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth), $"OneHot: depth must be positive; got {depth}.");
        // Compare each index (as float, exact below 2^24) with 0..depth−1 broadcast along a new last axis.
        var dims = new List<int>(indices.Shape) { 1 };
        using var asFloat = Tensor.Empty(new Shape(dims), DType.Float32, indices.Backend);
        indices.Backend.Cast(indices, asFloat);
        using var classes = Arange(depth, indices.Backend);
        return Equal(asFloat, classes);
    }

    /// <summary>0, 1, …, n − 1 as float32 (built on the host and uploaded).</summary>
    public static Tensor Arange(int n, IBackend? backend = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var values = new float[n];
        for (int i = 0; i < n; i++) values[i] = i;
        return Tensor.FromArray(values, new Shape(n), backend);
    }
}
