#nullable enable
namespace DeepNet.Numpy;

/// <summary>
/// A numpy dtype descriptor for a simple numeric type, such as <c>&lt;f4</c> or <c>|u1</c>:
/// byte order, kind (f = float, i = signed int, u = unsigned int, b = bool) and item size.
/// </summary>
internal readonly record struct NpyDescr(char Kind, int ItemSize, bool BigEndian)
{
    public static readonly NpyDescr Float32 = new('f', 4, false);
    public static readonly NpyDescr Float64 = new('f', 8, false);
    public static readonly NpyDescr Int8 = new('i', 1, false);
    public static readonly NpyDescr Int16 = new('i', 2, false);
    public static readonly NpyDescr Int32 = new('i', 4, false);
    public static readonly NpyDescr Int64 = new('i', 8, false);
    public static readonly NpyDescr UInt8 = new('u', 1, false);
    public static readonly NpyDescr UInt16 = new('u', 2, false);
    public static readonly NpyDescr UInt32 = new('u', 4, false);
    public static readonly NpyDescr UInt64 = new('u', 8, false);
    public static readonly NpyDescr Bool = new('b', 1, false);

    /// <summary>Parses a descr string, or returns null when it is not one DeepNet reads.</summary>
    public static NpyDescr? TryParse(string text)
    {
        if (text.Length < 3) return null;
        char order = text[0];
        if (order is not ('<' or '>' or '|' or '=')) return null;
        char kind = text[1];
        if (!int.TryParse(text.AsSpan(2), System.Globalization.NumberStyles.None, null, out int size)) return null;
        bool known = kind switch
        {
            'f' => size is 4 or 8,
            'i' or 'u' => size is 1 or 2 or 4 or 8,
            'b' => size == 1,
            _ => false,
        };
        if (!known) return null;
        // '|' (not applicable) and '=' (native) both mean the machine's order, which is little-endian
        // on every platform .NET runs on; a single byte has no order at all.
        return new NpyDescr(kind, size, order == '>' && size > 1);
    }

    /// <summary>The descr of the same type in little-endian order: <c>&lt;f4</c>, <c>|u1</c>.</summary>
    public NpyDescr LittleEndian => this with { BigEndian = false };

    public override string ToString() => $"{(ItemSize == 1 ? '|' : BigEndian ? '>' : '<')}{Kind}{ItemSize}";

    /// <summary>The descr of a CLR element type, or an error naming it.</summary>
    public static NpyDescr Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Float32;
        if (typeof(T) == typeof(double)) return Float64;
        if (typeof(T) == typeof(sbyte)) return Int8;
        if (typeof(T) == typeof(short)) return Int16;
        if (typeof(T) == typeof(int)) return Int32;
        if (typeof(T) == typeof(long)) return Int64;
        if (typeof(T) == typeof(byte)) return UInt8;
        if (typeof(T) == typeof(ushort)) return UInt16;
        if (typeof(T) == typeof(uint)) return UInt32;
        if (typeof(T) == typeof(ulong)) return UInt64;
        if (typeof(T) == typeof(bool)) return Bool;
        throw new NotSupportedException($".npy arrays hold float, double, sbyte, short, int, long, byte, ushort, uint, ulong or bool elements, not {typeof(T).Name}.");
    }
}
