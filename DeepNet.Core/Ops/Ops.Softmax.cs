#nullable enable
using DeepNet.Autograd;

namespace DeepNet;

// Softmax and log-softmax on the backend kernels, which work along the last axis; another axis is
// swapped to the end and back (the swaps are recorded ops, so gradients still flow).
public static partial class Ops
{
    /// <summary>exp(x − max) / Σ exp(x − max) along <paramref name="axis"/>.</summary>
    public static Tensor Softmax(Tensor x, int axis = -1) => SoftmaxAlong("Softmax", x, axis, log: false);

    /// <summary>x − max − log Σ exp(x − max) along <paramref name="axis"/>.</summary>
    public static Tensor LogSoftmax(Tensor x, int axis = -1) => SoftmaxAlong("LogSoftmax", x, axis, log: true);

    private static Tensor SoftmaxAlong(string op, Tensor x, int axis, bool log)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckFloat(op, x);
        if (x.Rank == 0) throw new ShapeMismatchException(op, "needs a tensor of rank ≥ 1, got a scalar.");
        int a = NormalizeAxis(op, x.Shape, axis);
        if (a == x.Rank - 1) return SoftmaxLastAxis(op, x, log);

        var swap = new int[x.Rank];
        for (int i = 0; i < swap.Length; i++) swap[i] = i;
        (swap[a], swap[^1]) = (swap[^1], swap[a]);
        var moved = Transpose(x, swap);
        var s = SoftmaxLastAxis(op, moved, log);
        var y = Transpose(s, swap);
        Release(moved);
        Release(s);
        return y;
    }

    private static Tensor SoftmaxLastAxis(string op, Tensor x, bool log)
    {
        var y = NewLike(x, x.Shape);
        x.Backend.Softmax(x, y, log);
        if (Recording)
        {
            GradientTape.Record(op, y, [x], (dy, _) =>
            {
                var dx = NewLike(x, x.Shape);
                x.Backend.SoftmaxBackward(y, dy, dx, log);
                return [dx];
            });
        }
        return y;
    }
}
