using Newtonsoft.Json.Linq;

namespace DeepNet.Keras;

/// <summary>
/// A Keras shape whose dimensions may be unknown (<c>None</c>), usually the batch:
/// <c>(None, 784)</c>. Immutable; compares by value; prints as Python does.
/// </summary>
public sealed class KerasShape : IEquatable<KerasShape>
{
    private readonly int?[] _dims;

    public KerasShape(params int?[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        foreach (var d in dims)
        {
            if (d is < 0) throw new ArgumentException($"Shape dimensions must be non-negative or None; got {Format(dims)}.", nameof(dims));
        }
        _dims = (int?[])dims.Clone();
    }

    /// <summary>A known tensor shape.</summary>
    public static KerasShape Of(Shape shape)
    {
        var dims = new int?[shape.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = shape[i];
        return new KerasShape(dims);
    }

    /// <summary>(None, d1, d2, ...) from a per-sample shape.</summary>
    public static KerasShape WithBatch(params int[] sampleShape)
    {
        var dims = new int?[sampleShape.Length + 1];
        for (int i = 0; i < sampleShape.Length; i++) dims[i + 1] = sampleShape[i];
        return new KerasShape(dims);
    }

    public int Rank => _dims.Length;

    public int? this[int axis] => _dims[NormalizeAxis(axis)];

    public int NormalizeAxis(int axis)
    {
        int a = axis < 0 ? axis + Rank : axis;
        if (a < 0 || a >= Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"Axis {axis} is out of range for shape {this} (rank {Rank}).");
        return a;
    }

    public int?[] ToArray() => (int?[])_dims.Clone();

    /// <summary>Every dimension after the batch (they must be known).</summary>
    public int[] SampleDims()
    {
        var dims = new int[Rank - 1];
        for (int i = 1; i < Rank; i++)
            dims[i - 1] = _dims[i] ?? throw new InvalidOperationException($"Shape {this} has an unknown dimension {i}.");
        return dims;
    }

    /// <summary>The same shape with the batch dimension replaced.</summary>
    public KerasShape WithBatchSize(int? batch)
    {
        var d = ToArray();
        d[0] = batch;
        return new KerasShape(d);
    }

    /// <summary>The last dimension (the one InputSpec pins), or null.</summary>
    public int? Last => Rank == 0 ? null : _dims[^1];

    /// <summary>True when every dimension is known.</summary>
    public bool IsFullyKnown => Array.TrueForAll(_dims, d => d.HasValue);

    public Shape ToShape()
    {
        var dims = new int[Rank];
        for (int i = 0; i < Rank; i++)
            dims[i] = _dims[i] ?? throw new InvalidOperationException($"Shape {this} has an unknown dimension {i}.");
        return new Shape(dims);
    }

    /// <summary>Keras writes shapes in configs as lists with null for None.</summary>
    public JArray ToJson()
    {
        var a = new JArray();
        foreach (var d in _dims) a.Add(d is int v ? new JValue(v) : JValue.CreateNull());
        return a;
    }

    public static KerasShape FromJson(JToken token)
    {
        var dims = new List<int?>();
        foreach (var t in token) dims.Add(t.Type == JTokenType.Null ? null : t.Value<int>());
        return new KerasShape(dims.ToArray());
    }

    public bool Equals(KerasShape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    public override bool Equals(object? obj) => obj is KerasShape s && Equals(s);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    public static bool operator ==(KerasShape? a, KerasShape? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(KerasShape? a, KerasShape? b) => !(a == b);

    public override string ToString() => Format(_dims);

    private static string Format(int?[] dims)
    {
        static string One(int? d) => d?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None";
        return dims.Length == 1 ? $"({One(dims[0])},)" : "(" + string.Join(", ", Array.ConvertAll(dims, One)) + ")";
    }
}
