#nullable enable
using DeepNet.Backends;

namespace DeepNet.Backends.Cpu.Elementwise;

/// <summary>
/// dx = dy·f'(x) for one activation, as an operator struct so one generic loop serves every
/// kind. x is the pre-activation input (bias already added), y the forward output; each kind
/// uses whichever of the two is cheaper. Piecewise kinds select dy or 0 rather than multiply,
/// so a zero gradient stays 0 even where dy is not finite (as TensorFlow's ReluGrad does).
/// </summary>
internal interface IActivationGradient
{
    static abstract float Apply(float x, float y, float dy, float alpha);
}

internal static class ActivationConstants
{
    public const float SeluAlpha = 1.6732632423543772f;
    public const float SeluScale = 1.0507009873554805f;
    /// <summary>√(2/π), the GELU tanh approximation's factor.</summary>
    public const double GeluTanhScale = 0.7978845608028654;
    public const double GeluCubic = 0.044715;
    public const double InvSqrt2 = 0.7071067811865476;
    /// <summary>1/√(2π), the standard normal density at 0.</summary>
    public const double InvSqrt2Pi = 0.3989422804014327;
}

internal readonly struct LinearGrad : IActivationGradient
{
    public static float Apply(float x, float y, float dy, float alpha) => dy;
}

internal readonly struct ReluGrad : IActivationGradient
{
    public static float Apply(float x, float y, float dy, float alpha) => x > 0 ? dy : 0f;
}

internal readonly struct Relu6Grad : IActivationGradient
{
    public static float Apply(float x, float y, float dy, float alpha) => x > 0 && x < 6 ? dy : 0f;
}

internal readonly struct LeakyReluGrad : IActivationGradient
{
    public static float Apply(float x, float y, float dy, float alpha) => x > 0 ? dy : alpha * dy;
}

internal readonly struct EluGrad : IActivationGradient
{
    // For x ≤ 0, y = alpha·(exp(x) − 1), so f' = alpha·exp(x) = y + alpha.
    public static float Apply(float x, float y, float dy, float alpha) => x > 0 ? dy : dy * (y + alpha);
}

internal readonly struct SeluGrad : IActivationGradient
{
    public static float Apply(float x, float y, float dy, float alpha) =>
        x > 0 ? dy * ActivationConstants.SeluScale : dy * (y + ActivationConstants.SeluScale * ActivationConstants.SeluAlpha);
}

internal readonly struct GeluGrad : IActivationGradient
{
    // d/dx x·Φ(x) = Φ(x) + x·φ(x).
    public static float Apply(float x, float y, float dy, float alpha)
    {
        double d = x;
        double cdf = 0.5 * (1.0 + ScalarMath.Erf(d * ActivationConstants.InvSqrt2));
        double pdf = ActivationConstants.InvSqrt2Pi * Math.Exp(-0.5 * d * d);
        return (float)(dy * (cdf + d * pdf));
    }
}

internal readonly struct GeluApproximateGrad : IActivationGradient
{
    public static float Apply(float x, float y, float dy, float alpha)
    {
        double d = x;
        double t = Math.Tanh(ActivationConstants.GeluTanhScale * (d + ActivationConstants.GeluCubic * d * d * d));
        double du = ActivationConstants.GeluTanhScale * (1.0 + 3.0 * ActivationConstants.GeluCubic * d * d);
        return (float)(dy * (0.5 * (1.0 + t) + 0.5 * d * (1.0 - t * t) * du));
    }
}

internal readonly struct SigmoidGrad : IActivationGradient
{
    public static float Apply(float x, float y, float dy, float alpha) => dy * y * (1f - y);
}

internal readonly struct HardSigmoidGrad : IActivationGradient
{
    public static float Apply(float x, float y, float dy, float alpha) => x > -3f && x < 3f ? dy * (1f / 6f) : 0f;
}

internal readonly struct HardSigmoidKeras2Grad : IActivationGradient
{
    public static float Apply(float x, float y, float dy, float alpha) => x > -2.5f && x < 2.5f ? dy * 0.2f : 0f;
}

internal readonly struct TanhGrad : IActivationGradient
{
    public static float Apply(float x, float y, float dy, float alpha) => dy * (1f - y * y);
}

internal readonly struct SoftplusGrad : IActivationGradient
{
    public static float Apply(float x, float y, float dy, float alpha) => dy / (1f + MathF.Exp(-x));
}

internal readonly struct SoftsignGrad : IActivationGradient
{
    public static float Apply(float x, float y, float dy, float alpha)
    {
        float d = 1f + MathF.Abs(x);
        return dy / (d * d);
    }
}

internal readonly struct SwishGrad : IActivationGradient
{
    // f = x·s, f' = s + x·s·(1 − s) = s·(1 + x·(1 − s)).
    public static float Apply(float x, float y, float dy, float alpha)
    {
        float s = 1f / (1f + MathF.Exp(-x));
        return dy * s * (1f + x * (1f - s));
    }
}

internal readonly struct ExponentialGrad : IActivationGradient
{
    public static float Apply(float x, float y, float dy, float alpha) => dy * y;
}
