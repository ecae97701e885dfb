#nullable enable
using DeepNet.Autograd;
using DeepNet.Backends;

namespace DeepNet;

/// <summary>
/// Differentiable tensor ops over the backend contract, the vocabulary layers, losses and
/// custom code are written in (as Keras 3 layers are written on <c>keras.ops</c>). Each op checks
/// its shapes, allocates its result on its inputs' backend, runs the kernel and, while a
/// <see cref="GradientTape"/> records on this thread, records how to go back. Forward and backward
/// of an op sit side by side, one file per family (Ops.Arithmetic.cs, Ops.Conv.cs, ...).
/// Results are new tensors owned by the current <see cref="Memory.TensorScope"/> (or the caller).
/// </summary>
public static partial class Ops
{
    /// <summary>The backend all the given tensors live on, or an error naming the op.</summary>
    internal static IBackend SameBackend(string op, Tensor a, Tensor b)
    {
        if (!ReferenceEquals(a.Backend, b.Backend))
            throw new ArgumentException($"{op}: tensors live on different backends ({a.Backend.Name} {a.Shape} and {b.Backend.Name} {b.Shape}); move one with Tensor.To(backend).");
        return a.Backend;
    }

    internal static IBackend SameBackend(string op, Tensor a, Tensor b, Tensor c)
    {
        SameBackend(op, a, b);
        return SameBackend(op, a, c);
    }

    internal static void CheckFloat(string op, Tensor x, string name = "x")
    {
        if (x.DType != DType.Float32)
            throw new ArgumentException($"{op}: {name} must be float32, got {x.DType.Name()} with shape {x.Shape}.");
    }

    internal static void CheckInteger(string op, Tensor x, string name)
    {
        if (x.DType == DType.Float32)
            throw new ArgumentException($"{op}: {name} must be int32 or int64, got float32 with shape {x.Shape}.");
    }

    internal static void CheckRank(string op, Tensor x, int rank, string name = "x")
    {
        if (x.Rank != rank)
            throw new ShapeMismatchException(op, $"{name} must have rank {rank}, got shape {x.Shape}.");
    }

    /// <summary>An uninitialised float32 result on <paramref name="like"/>'s backend.</summary>
    internal static Tensor NewLike(Tensor like, Shape shape) => Tensor.Empty(shape, DType.Float32, like.Backend);

    /// <summary>A view of <paramref name="t"/> with another shape; <paramref name="t"/> itself is released.</summary>
    internal static Tensor ReshapeOwned(Tensor t, Shape shape)
    {
        if (t.Shape == shape) return t;
        var view = t.Reshape(shape);
        t.Dispose();
        return view;
    }

    /// <summary>A new tensor object over the same memory (what a gradient rule returns to pass a gradient through).</summary>
    internal static Tensor Alias(Tensor t) => t.Reshape(t.Shape);

    /// <summary>
    /// Sums a broadcast gradient back to the shape of the operand that was broadcast: leading
    /// axes it lacked and axes where it had size 1. Returns a new tensor object in every case.
    /// </summary>
    internal static Tensor ReduceToShape(Tensor gradient, Shape shape)
    {
        if (gradient.Shape == shape) return Alias(gradient);
        int rank = gradient.Rank, offset = rank - shape.Rank;
        Span<int> axes = stackalloc int[rank];
        int count = 0;
        for (int i = 0; i < rank; i++)
        {
            if (i < offset || (shape[i - offset] == 1 && gradient.Shape[i] != 1)) axes[count++] = i;
        }
        if (count == 0) return gradient.Reshape(shape);
        var dims = gradient.Shape.ToArray();
        for (int i = 0; i < count; i++) dims[axes[i]] = 1;
        var summed = NewLike(gradient, new Shape(dims));
        gradient.Backend.Reduce(ReduceOp.Sum, gradient, axes[..count], summed);
        return ReshapeOwned(summed, shape);
    }

    /// <summary>Normalises axes (negative count from the end), sorted, without duplicates; null means all.</summary>
    internal static int[] NormalizeAxes(string op, Shape shape, int[]? axes)
    {
        if (axes is null)
        {
            var all = new int[shape.Rank];
            for (int i = 0; i < all.Length; i++) all[i] = i;
            return all;
        }
        var result = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            int a = axes[i] < 0 ? axes[i] + shape.Rank : axes[i];
            if (a < 0 || a >= shape.Rank)
                throw new ArgumentOutOfRangeException(nameof(axes), $"{op}: axis {axes[i]} is out of range for shape {shape} (rank {shape.Rank}).");
            result[i] = a;
        }
        Array.Sort(result);
        for (int i = 1; i < result.Length; i++)
        {
            if (result[i] == result[i - 1])
                throw new ArgumentException($"{op}: axis {result[i]} is listed twice for shape {shape}.", nameof(axes));
        }
        return result;
    }

    internal static int NormalizeAxis(string op, Shape shape, int axis)
    {
        int a = axis < 0 ? axis + shape.Rank : axis;
        if (a < 0 || a >= shape.Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"{op}: axis {axis} is out of range for shape {shape} (rank {shape.Rank}).");
        return a;
    }

    private static bool Recording => GradientTape.IsRecording;

    /// <summary>
    /// Frees an intermediate of a composite op, unless a tape recorded it: its backward still needs
    /// it then, and the enclosing TensorScope frees it.
    /// </summary>
    internal static void Release(Tensor t)
    {
        if (!GradientTape.IsRecording) t.Dispose();
    }
}
