#nullable enable
using System.Numerics.Tensors;
using DeepNet.Backends.Cpu.Elementwise;

namespace DeepNet.Backends.Cpu;

public sealed partial class CpuBackend
{
    /// <summary>
    /// y = f(x + bias): bias (C,) is added along the last axis first when given (the fused
    /// dense + bias + activation), row by row with TensorPrimitives.Add, and f then runs in place
    /// on y. x and y may be the same tensor. Formulas: <see cref="ActivationKind"/>.
    /// </summary>
    public void Activation(ActivationKind kind, Tensor x, Tensor? bias, Tensor y, float alpha = 0f)
    {
        string name = $"Activation {kind}";
        RequireFloat(x, name, "x");
        RequireFloat(y, name, "y");
        RequireSameShape(name, "x", x, "y", y);
        if (bias is null)
        {
            ForRanges(x.Size, ActivationCost(kind), (start, count) =>
                ActivationSpan(kind, Span<float>(x).Slice((int)start, (int)count), Span<float>(y).Slice((int)start, (int)count), alpha));
            return;
        }

        RequireFloat(bias, name, "bias");
        if (x.Rank == 0 || bias.Rank != 1 || bias.Shape[0] != x.Shape[-1])
            throw new ShapeMismatchException(name, $"bias {bias.Shape} must have shape (C,) with C the last dimension of x {x.Shape}.");
        int channels = x.Shape[-1];
        if (channels == 0) return;
        ForRanges(x.Size / channels, channels * ActivationCost(kind), (start, count) =>
        {
            var sx = Span<float>(x);
            var sy = Span<float>(y);
            var sb = Span<float>(bias);
            for (long r = start; r < start + count; r++)
            {
                var row = sy.Slice((int)(r * channels), channels);
                TensorPrimitives.Add(sx.Slice((int)(r * channels), channels), sb, row);
                ActivationSpan(kind, row, row, alpha);
            }
        });
    }

    /// <summary>
    /// dx = dy·f'(x). x must be the pre-activation input including any bias (the caller keeps
    /// x + bias, not x); y is the forward output f(x). Any of x, y, dy may be dx itself.
    /// </summary>
    public void ActivationBackward(ActivationKind kind, Tensor x, Tensor y, Tensor dy, Tensor dx, float alpha = 0f)
    {
        string name = $"ActivationBackward {kind}";
        RequireFloat(x, name, "x");
        RequireFloat(y, name, "y");
        RequireFloat(dy, name, "dy");
        RequireFloat(dx, name, "dx");
        RequireSameShape(name, "x", x, "y", y);
        RequireSameShape(name, "x", x, "dy", dy);
        RequireSameShape(name, "x", x, "dx", dx);
        ForRanges(x.Size, ActivationCost(kind), (start, count) =>
        {
            int s = (int)start, n = (int)count;
            var sx = Span<float>(x).Slice(s, n);
            var sy = Span<float>(y).Slice(s, n);
            var sdy = Span<float>(dy).Slice(s, n);
            var sdx = Span<float>(dx).Slice(s, n);
            switch (kind)
            {
                case ActivationKind.Linear: Gradient<LinearGrad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.Relu: Gradient<ReluGrad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.Relu6: Gradient<Relu6Grad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.LeakyRelu: Gradient<LeakyReluGrad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.Elu: Gradient<EluGrad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.Selu: Gradient<SeluGrad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.Gelu: Gradient<GeluGrad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.GeluApproximate: Gradient<GeluApproximateGrad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.Sigmoid: Gradient<SigmoidGrad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.HardSigmoid: Gradient<HardSigmoidGrad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.HardSigmoidKeras2: Gradient<HardSigmoidKeras2Grad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.Tanh: Gradient<TanhGrad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.Softplus: Gradient<SoftplusGrad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.Softsign: Gradient<SoftsignGrad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.Swish: Gradient<SwishGrad>(sx, sy, sdy, sdx, alpha); break;
                case ActivationKind.Exponential: Gradient<ExponentialGrad>(sx, sy, sdy, sdx, alpha); break;
                default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation.");
            }
        });
    }

    private static void Gradient<TGrad>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, float alpha)
        where TGrad : IActivationGradient
    {
        for (int i = 0; i < dx.Length; i++) dx[i] = TGrad.Apply(x[i], y[i], dy[i], alpha);
    }

    private static long ActivationCost(ActivationKind kind) => kind switch
    {
        ActivationKind.Linear or ActivationKind.Relu or ActivationKind.Relu6 or ActivationKind.LeakyRelu => 1,
        _ => 8,
    };

    /// <summary>f over one span; x and y may be the same memory.</summary>
    private static void ActivationSpan(ActivationKind kind, ReadOnlySpan<float> x, Span<float> y, float alpha)
    {
        switch (kind)
        {
            case ActivationKind.Linear: x.CopyTo(y); break;
            case ActivationKind.Relu: TensorPrimitives.Max(x, 0f, y); break;
            case ActivationKind.Relu6:
                TensorPrimitives.Max(x, 0f, y);
                TensorPrimitives.Min(y, 6f, y);
                break;
            case ActivationKind.LeakyRelu:
                for (int i = 0; i < x.Length; i++) { float v = x[i]; y[i] = v > 0 ? v : alpha * v; }
                break;
            case ActivationKind.Elu:
                for (int i = 0; i < x.Length; i++) { float v = x[i]; y[i] = v > 0 ? v : alpha * ScalarMath.Expm1(v); }
                break;
            case ActivationKind.Selu:
                for (int i = 0; i < x.Length; i++)
                {
                    float v = x[i];
                    y[i] = v > 0
                        ? ActivationConstants.SeluScale * v
                        : ActivationConstants.SeluScale * ActivationConstants.SeluAlpha * ScalarMath.Expm1(v);
                }
                break;
            case ActivationKind.Gelu:
                for (int i = 0; i < x.Length; i++)
                {
                    double d = x[i];
                    y[i] = (float)(0.5 * d * (1.0 + ScalarMath.Erf(d * ActivationConstants.InvSqrt2)));
                }
                break;
            case ActivationKind.GeluApproximate:
                for (int i = 0; i < x.Length; i++)
                {
                    double d = x[i];
                    y[i] = (float)(0.5 * d * (1.0 + Math.Tanh(ActivationConstants.GeluTanhScale * (d + ActivationConstants.GeluCubic * d * d * d))));
                }
                break;
            case ActivationKind.Sigmoid: TensorPrimitives.Sigmoid(x, y); break;
            case ActivationKind.HardSigmoid:
                // relu6(x + 3) / 6; comparisons leave NaN as NaN.
                for (int i = 0; i < x.Length; i++) { float v = x[i] + 3f; y[i] = (v < 0 ? 0f : v > 6f ? 6f : v) / 6f; }
                break;
            case ActivationKind.HardSigmoidKeras2:
                for (int i = 0; i < x.Length; i++) { float v = 0.2f * x[i] + 0.5f; y[i] = v < 0 ? 0f : v > 1f ? 1f : v; }
                break;
            case ActivationKind.Tanh:
            {
                // TensorPrimitives.Tanh has an absolute error near 6e-8 around 0 (tanh(0) comes out
                // as -6e-8), so small |x| is recomputed with MathF.Tanh; blocks keep x readable in place.
                Span<float> t = stackalloc float[256];
                for (int i = 0; i < x.Length; i += t.Length)
                {
                    int n = Math.Min(t.Length, x.Length - i);
                    TensorPrimitives.Tanh(x.Slice(i, n), t[..n]);
                    var xs = x.Slice(i, n);
                    var ys = y.Slice(i, n);
                    for (int j = 0; j < n; j++)
                    {
                        float v = xs[j];
                        ys[j] = MathF.Abs(v) < 0.625f ? MathF.Tanh(v) : t[j];
                    }
                }
                break;
            }
            case ActivationKind.Softplus:
                // max(x, 0) + log1p(exp(-|x|)): never overflows, and exact for large |x|.
                for (int i = 0; i < x.Length; i++) { float v = x[i]; y[i] = MathF.Max(v, 0f) + ScalarMath.Log1p(MathF.Exp(-MathF.Abs(v))); }
                break;
            case ActivationKind.Softsign:
                for (int i = 0; i < x.Length; i++) { float v = x[i]; y[i] = v / (1f + MathF.Abs(v)); }
                break;
            case ActivationKind.Swish:
            {
                // x·sigmoid(x) in blocks, so the sigmoid scratch stays on the stack and x may be y.
                Span<float> s = stackalloc float[256];
                for (int i = 0; i < x.Length; i += s.Length)
                {
                    int n = Math.Min(s.Length, x.Length - i);
                    TensorPrimitives.Sigmoid(x.Slice(i, n), s[..n]);
                    TensorPrimitives.Multiply(x.Slice(i, n), s[..n], y.Slice(i, n));
                }
                break;
            }
            case ActivationKind.Exponential: TensorPrimitives.Exp(x, y); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation.");
        }
    }
}
