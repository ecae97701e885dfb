#nullable enable
using DeepNet.Autograd;

namespace DeepNet;

// Moving data around without arithmetic: reshape (a view), transpose, concat, slice, pad, tile,
// broadcast, cast. Each gradient is the adjoint movement (slice ↔ pad, concat → slices, ...).
public static partial class Ops
{
    /// <summary>Same data, another shape (one dimension may be −1). A view: no copy.</summary>
    public static Tensor Reshape(Tensor x, params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = x.Reshape(dims);
        if (Recording) GradientTape.Record("Reshape", y, [x], (dy, _) => [dy.Reshape(x.Shape)]);
        return y;
    }

    public static Tensor Reshape(Tensor x, Shape shape) => Reshape(x, shape.ToArray());

    /// <summary>(N, d1, d2, ...) → (N, d1·d2·...), as Keras Flatten (channels_last).</summary>
    public static Tensor Flatten(Tensor x)
    {
        if (x.Rank < 1) throw new ShapeMismatchException("Flatten", $"needs a rank ≥ 1 tensor, got shape {x.Shape}.");
        return Reshape(x, x.Shape[0], checked((int)x.Shape.SizeOf(1, x.Rank)));
    }

    /// <summary>Inserts a size-1 axis at <paramref name="axis"/> (−1 appends).</summary>
    public static Tensor ExpandDims(Tensor x, int axis)
    {
        int a = axis < 0 ? axis + x.Rank + 1 : axis;
        if (a < 0 || a > x.Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"ExpandDims: axis {axis} is out of range for shape {x.Shape}.");
        var dims = new List<int>(x.Shape);
        dims.Insert(a, 1);
        return Reshape(x, dims.ToArray());
    }

    /// <summary>Removes size-1 axes: the given one, or all of them when <paramref name="axis"/> is null.</summary>
    public static Tensor Squeeze(Tensor x, int? axis = null)
    {
        var dims = new List<int>(x.Shape);
        if (axis is int ax)
        {
            int a = NormalizeAxis("Squeeze", x.Shape, ax);
            if (dims[a] != 1) throw new ShapeMismatchException("Squeeze", $"axis {ax} of shape {x.Shape} has size {dims[a]}, not 1.");
            dims.RemoveAt(a);
        }
        else dims.RemoveAll(d => d == 1);
        return Reshape(x, dims.ToArray());
    }

    /// <summary>Permutes the axes: result axis i is input axis <paramref name="permutation"/>[i].</summary>
    public static Tensor Transpose(Tensor x, params int[] permutation)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = TransposeKernel(x, permutation);
        if (Recording)
        {
            var inverse = new int[permutation.Length];
            for (int i = 0; i < permutation.Length; i++) inverse[permutation[i]] = i;
            GradientTape.Record("Transpose", y, [x], (dy, _) => [TransposeKernel(dy, inverse)]);
        }
        return y;
    }

    private static Tensor TransposeKernel(Tensor x, int[] permutation)
    {
        ArgumentNullException.ThrowIfNull(permutation);
        if (permutation.Length != x.Rank)
            throw new ShapeMismatchException("Transpose", $"permutation ({string.Join(", ", permutation)}) has {permutation.Length} axes for x {x.Shape}.");
        var seen = new bool[x.Rank];
        var dims = new int[x.Rank];
        for (int i = 0; i < permutation.Length; i++)
        {
            int p = permutation[i];
            if (p < 0 || p >= x.Rank || seen[p])
                throw new ArgumentException($"Transpose: ({string.Join(", ", permutation)}) is not a permutation of the axes of {x.Shape}.", nameof(permutation));
            seen[p] = true;
            dims[i] = x.Shape[p];
        }
        var y = Tensor.Empty(new Shape(dims), x.DType, x.Backend);
        x.Backend.Transpose(x, permutation, y);
        return y;
    }

    /// <summary>Joins tensors along an existing axis; all other dimensions must agree.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> inputs, int axis = -1)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException("Concat: needs at least one tensor.", nameof(inputs));
        var first = inputs[0];
        int a = NormalizeAxis("Concat", first.Shape, axis);
        int total = 0;
        foreach (var t in inputs)
        {
            SameBackend("Concat", first, t);
            if (t.DType != first.DType)
                throw new ArgumentException($"Concat: mixes {first.DType.Name()} and {t.DType.Name()} tensors.");
            bool fits = t.Rank == first.Rank;
            for (int i = 0; fits && i < t.Rank; i++) fits = i == a || t.Shape[i] == first.Shape[i];
            if (!fits)
                throw new ShapeMismatchException("Concat", $"shapes {first.Shape} and {t.Shape} differ outside axis {axis}.");
            total += t.Shape[a];
        }
        var y = Tensor.Empty(first.Shape.With(a, total), first.DType, first.Backend);
        first.Backend.Concat(inputs, a, y);
        if (Recording && first.DType == DType.Float32)
        {
            var parts = new Tensor[inputs.Count];
            for (int i = 0; i < parts.Length; i++) parts[i] = inputs[i];
            GradientTape.Record("Concat", y, parts, (dy, want) =>
            {
                var grads = new Tensor?[parts.Length];
                var begin = new int[dy.Rank];
                for (int i = 0; i < parts.Length; i++)
                {
                    if (want[i]) grads[i] = SliceKernel(dy, begin, parts[i].Shape);
                    begin[a] += parts[i].Shape[a];
                }
                return grads;
            });
        }
        return y;
    }

    /// <summary>Joins tensors of equal shape along a new axis.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> inputs, int axis = 0)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException("Stack: needs at least one tensor.", nameof(inputs));
        var expanded = new Tensor[inputs.Count];
        for (int i = 0; i < expanded.Length; i++)
        {
            if (inputs[i].Shape != inputs[0].Shape)
                throw new ShapeMismatchException("Stack", $"shapes {inputs[0].Shape} and {inputs[i].Shape} differ.");
            expanded[i] = ExpandDims(inputs[i], axis);
        }
        var y = Concat(expanded, axis);
        foreach (var t in expanded) Release(t);
        return y;
    }

    /// <summary>Splits x along <paramref name="axis"/> into <paramref name="parts"/> equal slices (e.g. the gates of an LSTM).</summary>
    public static Tensor[] Split(Tensor x, int parts, int axis = -1)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = NormalizeAxis("Split", x.Shape, axis);
        if (parts < 1 || x.Shape[a] % parts != 0)
            throw new ShapeMismatchException("Split", $"axis {axis} of x {x.Shape} cannot be split into {parts} equal parts.");
        int step = x.Shape[a] / parts;
        var begin = new int[x.Rank];
        var size = x.Shape.ToArray();
        size[a] = step;
        var result = new Tensor[parts];
        for (int i = 0; i < parts; i++)
        {
            begin[a] = i * step;
            result[i] = Slice(x, begin, size);
        }
        return result;
    }

    /// <summary>
    /// Repeats each element <paramref name="repeats"/> times along <paramref name="axis"/>
    /// (numpy.repeat; UpSampling layers): (…, d, …) → (…, d·repeats, …).
    /// </summary>
    public static Tensor Repeat(Tensor x, int repeats, int axis)
    {
        ArgumentNullException.ThrowIfNull(x);
        int a = NormalizeAxis("Repeat", x.Shape, axis);
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), $"Repeat: repeats must be positive; got {repeats}.");
        // (…, d, 1, …) broadcast to (…, d, r, …), then merged into (…, d·r, …).
        var expandedDims = new List<int>(x.Shape);
        expandedDims.Insert(a + 1, 1);
        var expanded = Reshape(x, expandedDims.ToArray());
        expandedDims[a + 1] = repeats;
        var broadcast = BroadcastTo(expanded, new Shape(expandedDims));
        var y = Reshape(broadcast, x.Shape.With(a, x.Shape[a] * repeats));
        Release(expanded);
        Release(broadcast);
        return y;
    }

    /// <summary>
    /// The block starting at <paramref name="begin"/> of <paramref name="size"/> (−1: to the end of
    /// that axis). The gradient pads back with zeros.
    /// </summary>
    public static Tensor Slice(Tensor x, int[] begin, int[] size)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(begin);
        ArgumentNullException.ThrowIfNull(size);
        if (begin.Length != x.Rank || size.Length != x.Rank)
            throw new ShapeMismatchException("Slice", $"begin ({string.Join(", ", begin)}) and size ({string.Join(", ", size)}) need one entry per axis of x {x.Shape}.");
        var dims = new int[x.Rank];
        for (int i = 0; i < x.Rank; i++)
        {
            dims[i] = size[i] == -1 ? x.Shape[i] - begin[i] : size[i];
            if (begin[i] < 0 || dims[i] < 0 || begin[i] + dims[i] > x.Shape[i])
                throw new ShapeMismatchException("Slice", $"begin ({string.Join(", ", begin)}) with size ({string.Join(", ", size)}) reaches outside x {x.Shape}.");
        }
        var y = SliceKernel(x, begin, new Shape(dims));
        if (Recording)
        {
            var before = (int[])begin.Clone();
            GradientTape.Record("Slice", y, [x], (dy, _) => [PadKernel(dy, before, x.Shape, 0f)]);
        }
        return y;
    }

    private static Tensor SliceKernel(Tensor x, int[] begin, Shape shape)
    {
        var y = Tensor.Empty(shape, x.DType, x.Backend);
        x.Backend.Slice(x, begin, y);
        return y;
    }

    /// <summary>Pads every axis with <paramref name="before"/>[i] and <paramref name="after"/>[i] cells of <paramref name="value"/>.</summary>
    public static Tensor Pad(Tensor x, int[] before, int[] after, float value = 0f)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (before.Length != x.Rank || after.Length != x.Rank)
            throw new ShapeMismatchException("Pad", $"before ({string.Join(", ", before)}) and after ({string.Join(", ", after)}) need one entry per axis of x {x.Shape}.");
        var dims = new int[x.Rank];
        for (int i = 0; i < x.Rank; i++)
        {
            if (before[i] < 0 || after[i] < 0)
                throw new ArgumentException($"Pad: padding must be non-negative; got before ({string.Join(", ", before)}), after ({string.Join(", ", after)}).");
            dims[i] = x.Shape[i] + before[i] + after[i];
        }
        var start = (int[])before.Clone();
        var y = PadKernel(x, start, new Shape(dims), value);
        if (Recording) GradientTape.Record("Pad", y, [x], (dy, _) => [SliceKernel(dy, start, x.Shape)]);
        return y;
    }

    private static Tensor PadKernel(Tensor x, int[] before, Shape shape, float value)
    {
        var y = Tensor.Empty(shape, x.DType, x.Backend);
        x.Backend.Pad(x, before, value, y);
        return y;
    }

    /// <summary>Repeats the whole tensor <paramref name="repeats"/>[i] times along axis i.</summary>
    public static Tensor Tile(Tensor x, params int[] repeats)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(repeats);
        if (repeats.Length != x.Rank)
            throw new ShapeMismatchException("Tile", $"repeats ({string.Join(", ", repeats)}) need one entry per axis of x {x.Shape}.");
        var dims = new int[x.Rank];
        for (int i = 0; i < x.Rank; i++)
        {
            if (repeats[i] < 1) throw new ArgumentException($"Tile: repeats must be positive; got ({string.Join(", ", repeats)}).");
            dims[i] = x.Shape[i] * repeats[i];
        }
        var y = Tensor.Empty(new Shape(dims), x.DType, x.Backend);
        x.Backend.Tile(x, y);
        if (Recording && x.DType == DType.Float32)
        {
            var reps = (int[])repeats.Clone();
            GradientTape.Record("Tile", y, [x], (dy, _) =>
            {
                // See dy as (r0, d0, r1, d1, ...) and sum the repeat axes away.
                var split = new int[2 * x.Rank];
                var repeatAxes = new int[x.Rank];
                for (int i = 0; i < x.Rank; i++)
                {
                    split[2 * i] = reps[i];
                    split[2 * i + 1] = x.Shape[i];
                    repeatAxes[i] = 2 * i;
                }
                using var view = dy.Reshape(split);
                using var summed = Sum(view, repeatAxes);
                return [summed.Reshape(x.Shape)];
            });
        }
        return y;
    }

    /// <summary>Numpy broadcast of x to <paramref name="shape"/> (a copy). The gradient sums back.</summary>
    public static Tensor BroadcastTo(Tensor x, Shape shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = BroadcastKernel(x, shape);
        if (Recording && x.DType == DType.Float32)
            GradientTape.Record("BroadcastTo", y, [x], (dy, _) => [ReduceToShape(dy, x.Shape)]);
        return y;
    }

    private static Tensor BroadcastKernel(Tensor x, Shape shape)
    {
        if (x.Rank > shape.Rank)
            throw new ShapeMismatchException("BroadcastTo", $"cannot broadcast x {x.Shape} to the lower-rank shape {shape}.");
        var dims = new int[shape.Rank];
        int offset = shape.Rank - x.Rank;
        for (int i = 0; i < shape.Rank; i++)
        {
            dims[i] = i < offset ? 1 : x.Shape[i - offset];
            if (dims[i] != shape[i] && dims[i] != 1)
                throw new ShapeMismatchException("BroadcastTo", $"cannot broadcast x {x.Shape} to {shape}.");
        }
        using var view = x.Reshape(dims);
        var y = Tensor.Empty(shape, x.DType, x.Backend);
        // Tile with repeats = shape / dims is exactly a broadcast of the size-1 axes.
        x.Backend.Tile(view, y);
        return y;
    }

    /// <summary>Converts between float32, int32 and int64 (float → int truncates). Only float → float carries a gradient.</summary>
    public static Tensor Cast(Tensor x, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Empty(x.Shape, dtype, x.Backend);
        x.Backend.Cast(x, y);
        if (Recording && x.DType == DType.Float32 && dtype == DType.Float32)
            GradientTape.Record("Cast", y, [x], (dy, _) => [Alias(dy)]);
        return y;
    }

    /// <summary>A differentiable copy of x.</summary>
    public static Tensor Copy(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = Tensor.Empty(x.Shape, x.DType, x.Backend);
        x.Backend.Copy(x, y);
        if (Recording && x.DType == DType.Float32)
            GradientTape.Record("Copy", y, [x], (dy, _) => [Alias(dy)]);
        return y;
    }

    /// <summary>
    /// The same values (a view, no copy) that the tape treats as a constant: no gradient flows
    /// back through it, as tf.stop_gradient.
    /// </summary>
    public static Tensor StopGradient(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Reshape(x.Shape);
    }

    public static Tensor ZerosLike(Tensor x) => Tensor.Zeros(x.Shape, x.DType, x.Backend);

    public static Tensor OnesLike(Tensor x)
    {
        var y = Tensor.Empty(x.Shape, x.DType, x.Backend);
        x.Backend.Fill(y, 1f);
        return y;
    }

    public static Tensor FullLike(Tensor x, float value)
    {
        var y = Tensor.Empty(x.Shape, x.DType, x.Backend);
        x.Backend.Fill(y, value);
        return y;
    }
}
