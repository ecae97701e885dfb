#nullable enable
namespace DeepNet.Backends.Cpu.Elementwise;

/// <summary>
/// The binary ops as scalar operator structs, for broadcasts whose innermost run is too short
/// for a TensorPrimitives call to pay off: one generic loop per op, the op inlined.
/// </summary>
internal interface IBinaryScalar
{
    static abstract float Invoke(float a, float b);
}

internal readonly struct AddScalar : IBinaryScalar { public static float Invoke(float a, float b) => a + b; }

internal readonly struct SubtractScalar : IBinaryScalar { public static float Invoke(float a, float b) => a - b; }

internal readonly struct MultiplyScalar : IBinaryScalar { public static float Invoke(float a, float b) => a * b; }

internal readonly struct DivideScalar : IBinaryScalar { public static float Invoke(float a, float b) => a / b; }

// MathF.Max/Min propagate NaN, as TensorPrimitives.Max/Min do.
internal readonly struct MaximumScalar : IBinaryScalar { public static float Invoke(float a, float b) => MathF.Max(a, b); }

internal readonly struct MinimumScalar : IBinaryScalar { public static float Invoke(float a, float b) => MathF.Min(a, b); }

internal readonly struct PowerScalar : IBinaryScalar { public static float Invoke(float a, float b) => MathF.Pow(a, b); }

/// <summary>A comparison as a 1/0 producing scalar op.</summary>
internal readonly struct CompareScalar<TCompare> : IBinaryScalar where TCompare : IComparison
{
    public static float Invoke(float a, float b) => TCompare.Scalar(a, b) ? 1f : 0f;
}
