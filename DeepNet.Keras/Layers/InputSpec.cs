namespace DeepNet.Keras.Layers;

/// <summary>
/// What a layer accepts (Keras <c>InputSpec</c>): a rank, a minimum rank, and axes pinned to a
/// size. A layer pins its input's last axis when it builds, so a later call with another width
/// fails with the layer's name, the expected value and the full shape.
/// </summary>
public sealed class InputSpec
{
    public InputSpec(int? ndim = null, int? minNdim = null, IReadOnlyDictionary<int, int>? axes = null)
    {
        Ndim = ndim;
        MinNdim = minNdim;
        Axes = axes ?? new Dictionary<int, int>();
    }

    public int? Ndim { get; }

    public int? MinNdim { get; }

    /// <summary>Axis (negative counts from the end) → required size.</summary>
    public IReadOnlyDictionary<int, int> Axes { get; }

    /// <summary>Throws, in Keras's words, when <paramref name="shape"/> does not fit.</summary>
    public void Check(string layerName, int inputIndex, KerasShape shape)
    {
        if (Ndim is int n && shape.Rank != n)
            throw new ShapeMismatchException($"Layer \"{layerName}\"",
                $"input {inputIndex} is incompatible with the layer: expected ndim={n}, found ndim={shape.Rank}. Full shape received: {shape}");
        if (MinNdim is int m && shape.Rank < m)
            throw new ShapeMismatchException($"Layer \"{layerName}\"",
                $"input {inputIndex} is incompatible with the layer: expected min_ndim={m}, found ndim={shape.Rank}. Full shape received: {shape}");
        foreach (var (axis, size) in Axes)
        {
            int a = axis < 0 ? axis + shape.Rank : axis;
            if (a < 0 || a >= shape.Rank)
                throw new ShapeMismatchException($"Layer \"{layerName}\"",
                    $"input {inputIndex} is incompatible with the layer: expected axis {axis} of input shape to have value {size}, but received input with shape {shape}");
            if (shape[a] is int d && d != size)
                throw new ShapeMismatchException($"Layer \"{layerName}\"",
                    $"input {inputIndex} is incompatible with the layer: expected axis {axis} of input shape to have value {size}, but received input with shape {shape}");
        }
    }
}
