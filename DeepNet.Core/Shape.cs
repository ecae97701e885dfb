#nullable enable
using System.Collections;

namespace DeepNet;

/// <summary>
/// The dimensions of a tensor, outermost first (row-major). Immutable; compares by value.
/// A rank-0 shape <c>()</c> is a scalar with one element.
/// </summary>
public sealed class Shape : IEquatable<Shape>, IReadOnlyList<int>
{
    private readonly int[] _dims;

    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0)
                throw new ArgumentException($"Shape dimensions must be non-negative; got {Format(dims)}.", nameof(dims));
        }
        _dims = (int[])dims.Clone();
        long size = 1;
        foreach (int d in _dims) size = checked(size * d);
        Size = size;
    }

    public Shape(IEnumerable<int> dims) : this(dims.ToArray()) { }

    /// <summary>The scalar shape <c>()</c>.</summary>
    public static Shape Scalar { get; } = new();

    public int Rank => _dims.Length;

    /// <summary>Number of elements (product of the dimensions; 1 for a scalar).</summary>
    public long Size { get; }

    public int Count => _dims.Length;

    /// <summary>Dimension <paramref name="axis"/>; negative axes count from the end as in numpy.</summary>
    public int this[int axis] => _dims[NormalizeAxis(axis)];

    /// <summary>Turns a possibly negative axis into 0..Rank-1, or throws naming the shape.</summary>
    public int NormalizeAxis(int axis)
    {
        int a = axis < 0 ? axis + Rank : axis;
        if (a < 0 || a >= Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), $"Axis {axis} is out of range for shape {this} (rank {Rank}).");
        return a;
    }

    public int[] ToArray() => (int[])_dims.Clone();

    public ReadOnlySpan<int> AsSpan() => _dims;

    /// <summary>Row-major strides in elements.</summary>
    public long[] Strides()
    {
        var strides = new long[Rank];
        long s = 1;
        for (int i = Rank - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= _dims[i];
        }
        return strides;
    }

    /// <summary>Product of dimensions in [start, end).</summary>
    public long SizeOf(int start, int end)
    {
        long s = 1;
        for (int i = start; i < end; i++) s *= _dims[i];
        return s;
    }

    /// <summary>Same dimensions with one replaced.</summary>
    public Shape With(int axis, int value)
    {
        var d = ToArray();
        d[NormalizeAxis(axis)] = value;
        return new Shape(d);
    }

    /// <summary>
    /// Resolves one -1 entry (numpy style) so the element count stays <paramref name="size"/>.
    /// </summary>
    public static Shape Infer(long size, ReadOnlySpan<int> dims)
    {
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == -1)
            {
                if (unknown >= 0) throw new ArgumentException($"Only one dimension may be -1; got {Format(dims.ToArray())}.");
                unknown = i;
            }
            else known *= dims[i];
        }
        var result = dims.ToArray();
        if (unknown >= 0)
        {
            if (known == 0 || size % known != 0)
                throw new ArgumentException($"Cannot reshape {size} elements into {Format(dims.ToArray())}.");
            result[unknown] = (int)(size / known);
        }
        return new Shape(result);
    }

    /// <summary>Numpy broadcasting of two shapes, or an exception naming both.</summary>
    public static Shape Broadcast(Shape a, Shape b, string op = "broadcast")
    {
        int rank = Math.Max(a.Rank, b.Rank);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Rank ? 1 : a._dims[i - (rank - a.Rank)];
            int db = i < rank - b.Rank ? 1 : b._dims[i - (rank - b.Rank)];
            if (da != db && da != 1 && db != 1)
                throw new ShapeMismatchException(op, $"shapes {a} and {b} cannot be broadcast together (dimension {i}: {da} vs {db}).");
            dims[i] = da == 1 ? db : da;
        }
        return new Shape(dims);
    }

    public bool Equals(Shape? other) => other is not null && _dims.AsSpan().SequenceEqual(other._dims);

    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in _dims) h.Add(d);
        return h.ToHashCode();
    }

    public static bool operator ==(Shape? a, Shape? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(Shape? a, Shape? b) => !(a == b);

    public static implicit operator Shape(int[] dims) => new(dims);

    /// <summary>Python tuple notation, as Keras prints shapes: <c>(2, 3)</c>, <c>(5,)</c>, <c>()</c>.</summary>
    public override string ToString() => Format(_dims);

    internal static string Format(int[] dims) =>
        dims.Length == 1 ? $"({dims[0]},)" : "(" + string.Join(", ", dims) + ")";

    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)_dims).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _dims.GetEnumerator();
}
