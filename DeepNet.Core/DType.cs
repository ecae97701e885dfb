#nullable enable
namespace DeepNet;

/// <summary>Element types a tensor can hold: float32 for values, int32/int64 for indices and labels.</summary>
public enum DType
{
    Float32,
    Int32,
    Int64,
}

public static class DTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int SizeInBytes(this DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Int32 => 4,
        DType.Int64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The numpy/Keras spelling: float32, int32, int64.</summary>
    public static string Name(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    /// <summary>The DType of a CLR element type, or an error naming it.</summary>
    public static DType Of<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return DType.Float32;
        if (typeof(T) == typeof(int)) return DType.Int32;
        if (typeof(T) == typeof(long)) return DType.Int64;
        throw new NotSupportedException($"Tensors hold float, int or long elements, not {typeof(T).Name}.");
    }
}
