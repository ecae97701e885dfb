#nullable enable
using System.Numerics;

namespace DeepNet.Backends.Cpu.Elementwise;

/// <summary>
/// The comparison ops as operator structs (TensorPrimitives has no float-mask comparisons): a
/// scalar form and a Vector&lt;float&gt; mask form, so one generic loop serves them all. As in
/// IEEE 754 and numpy, every comparison with NaN is false except NotEqual.
/// </summary>
internal interface IComparison
{
    static abstract bool Scalar(float a, float b);

    /// <summary>All bits set in the lanes where the comparison holds.</summary>
    static abstract Vector<int> Mask(Vector<float> a, Vector<float> b);
}

internal readonly struct EqualOp : IComparison
{
    public static bool Scalar(float a, float b) => a == b;
    public static Vector<int> Mask(Vector<float> a, Vector<float> b) => Vector.Equals(a, b);
}

internal readonly struct NotEqualOp : IComparison
{
    public static bool Scalar(float a, float b) => a != b;
    public static Vector<int> Mask(Vector<float> a, Vector<float> b) => ~Vector.Equals(a, b);
}

internal readonly struct GreaterOp : IComparison
{
    public static bool Scalar(float a, float b) => a > b;
    public static Vector<int> Mask(Vector<float> a, Vector<float> b) => Vector.GreaterThan(a, b);
}

internal readonly struct GreaterEqualOp : IComparison
{
    public static bool Scalar(float a, float b) => a >= b;
    public static Vector<int> Mask(Vector<float> a, Vector<float> b) => Vector.GreaterThanOrEqual(a, b);
}

internal readonly struct LessOp : IComparison
{
    public static bool Scalar(float a, float b) => a < b;
    public static Vector<int> Mask(Vector<float> a, Vector<float> b) => Vector.LessThan(a, b);
}

internal readonly struct LessEqualOp : IComparison
{
    public static bool Scalar(float a, float b) => a <= b;
    public static Vector<int> Mask(Vector<float> a, Vector<float> b) => Vector.LessThanOrEqual(a, b);
}

/// <summary>The one loop behind every comparison: y = 1 where a op b, else 0.</summary>
internal static class Compare
{
    /// <summary>
    /// Compares a run; an operand of length 1 against a longer y is a broadcast scalar.
    /// </summary>
    public static void Run<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) where TOp : IComparison
    {
        int n = y.Length;
        bool scalarA = a.Length == 1 && n != 1, scalarB = b.Length == 1 && n != 1;
        int i = 0;
        int w = Vector<float>.Count;
        if (Vector.IsHardwareAccelerated && n >= w)
        {
            var one = Vector<float>.One;
            var zero = Vector<float>.Zero;
            var va = scalarA ? new Vector<float>(a[0]) : default;
            var vb = scalarB ? new Vector<float>(b[0]) : default;
            for (; i <= n - w; i += w)
            {
                var xa = scalarA ? va : new Vector<float>(a.Slice(i, w));
                var xb = scalarB ? vb : new Vector<float>(b.Slice(i, w));
                Vector.ConditionalSelect(TOp.Mask(xa, xb), one, zero).CopyTo(y.Slice(i, w));
            }
        }
        for (; i < n; i++)
            y[i] = TOp.Scalar(scalarA ? a[0] : a[i], scalarB ? b[0] : b[i]) ? 1f : 0f;
    }
}
