namespace DeepNet.Keras.Engine;

/// <summary>
/// Keras's dtype names (keras/src/backend/common/dtypes.py <c>ALLOWED_DTYPES</c>) and the tensor
/// type DeepNet holds each in. A model input keeps the Keras name (its config round-trips it)
/// and stores data in the nearest <see cref="DType"/> that holds every value exactly:
/// <list type="bullet">
/// <item>float16, bfloat16, float32, float64: float32 (the layers compute in float32, as Keras
/// autocasts float inputs to a float32 layer's compute dtype);</item>
/// <item>int8, int16, int32, uint8, uint16: int32; int64, uint32: int64;</item>
/// <item>bool: float32 holding 0 and 1, DeepNet's mask convention (1 keeps).</item>
/// </list>
/// uint64, string, complex and float8 inputs are not supported.
/// </summary>
public static class KerasDTypes
{
    private static readonly string[] Allowed =
    [
        "float16", "float32", "float64", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64",
        "bfloat16", "bool", "string", "float8_e4m3fn", "float8_e5m2", "complex64", "complex128",
    ];

    /// <summary>
    /// Keras's <c>standardize_dtype</c>: null is floatx ("float32"), the Python type names "int",
    /// "float" and "str" map as under Keras's TensorFlow backend, and anything outside Keras's
    /// allowed names is an error.
    /// </summary>
    /// <param name="owner">Names the layer in errors, when given.</param>
    public static string Standardize(string? dtype, string? owner = null)
    {
        string name = dtype switch
        {
            null => "float32",
            "int" => "int64",
            "float" => "float32",
            "str" => "string",
            _ => dtype,
        };
        if (!Allowed.Contains(name, StringComparer.Ordinal)) throw new ArgumentException(
            (owner is null ? "" : $"InputLayer '{owner}': ") + $"Invalid dtype: {dtype} (Keras dtypes: {string.Join(", ", Allowed)}).");
        return name;
    }

    /// <summary>The tensor type that holds inputs of Keras dtype <paramref name="dtype"/>; <paramref name="layer"/> names the input in errors.</summary>
    public static DType StorageOf(string dtype, string layer) => Standardize(dtype, layer) switch
    {
        "float16" or "bfloat16" or "float32" or "float64" or "bool" => DType.Float32,
        "int8" or "int16" or "int32" or "uint8" or "uint16" => DType.Int32,
        "int64" or "uint32" => DType.Int64,
        var other => throw new NotSupportedException(
            $"InputLayer '{layer}': dtype \"{other}\" is not supported; DeepNet inputs hold float (float16/bfloat16/float32/float64, computed in float32), " +
            "integer (int8/int16/int32/int64, uint8/uint16/uint32) or bool data."),
    };

    /// <summary>
    /// The data fed to an input of Keras dtype <paramref name="dtype"/> as that input holds it
    /// (Keras converts each input with <c>convert_to_tensor(x, dtype=input.dtype)</c>): floats
    /// become integers by truncation, numbers become bool where they are non-zero. Returns
    /// <paramref name="x"/> itself when it already has the right form.
    /// </summary>
    internal static Tensor Convert(Tensor x, string dtype, DType storage)
    {
        if (dtype == "bool") return ExplicitMaskOptions.ToLayerMask(x);
        return x.DType == storage ? x : Ops.Cast(x, storage);
    }
}
