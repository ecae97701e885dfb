#nullable enable
using System.Numerics.Tensors;
using DeepNet.Backends.Cpu.Elementwise;

namespace DeepNet.Backends.Cpu;

public sealed partial class CpuBackend
{
    /// <summary>
    /// y = op(x) elementwise (float32; x and y may be the same tensor). Vectorized through
    /// TensorPrimitives where it has the op; Sign, Log1p and Erf are scalar loops because
    /// TensorPrimitives lacks them or is not accurate enough near 0.
    /// </summary>
    public void Unary(UnaryOp op, Tensor x, Tensor y, float arg0 = 0f, float arg1 = 0f)
    {
        string name = $"Unary {op}";
        RequireFloat(x, name, "x");
        RequireFloat(y, name, "y");
        RequireSameShape(name, "x", x, "y", y);
        ForRanges(x.Size, UnaryCost(op), (start, count) =>
        {
            var src = Span<float>(x).Slice((int)start, (int)count);
            var dst = Span<float>(y).Slice((int)start, (int)count);
            UnarySpan(op, src, dst, arg0, arg1);
        });
    }

    // Transcendental ops pay for threads sooner than a copy-like op does.
    private static long UnaryCost(UnaryOp op) => op switch
    {
        UnaryOp.Exp or UnaryOp.Log or UnaryOp.Log1p or UnaryOp.Sin or UnaryOp.Cos or UnaryOp.Erf or UnaryOp.Pow => 8,
        _ => 1,
    };

    private static void UnarySpan(UnaryOp op, ReadOnlySpan<float> x, Span<float> y, float arg0, float arg1)
    {
        switch (op)
        {
            case UnaryOp.Negate: TensorPrimitives.Negate(x, y); break;
            case UnaryOp.Abs: TensorPrimitives.Abs(x, y); break;
            case UnaryOp.Square: TensorPrimitives.Multiply(x, x, y); break;
            case UnaryOp.Sqrt: TensorPrimitives.Sqrt(x, y); break;
            case UnaryOp.Rsqrt: TensorPrimitives.ReciprocalSqrt(x, y); break;
            case UnaryOp.Exp: TensorPrimitives.Exp(x, y); break;
            case UnaryOp.Log: TensorPrimitives.Log(x, y); break;
            case UnaryOp.Log1p:
                for (int i = 0; i < x.Length; i++) y[i] = ScalarMath.Log1p(x[i]);
                break;
            case UnaryOp.Reciprocal: TensorPrimitives.Reciprocal(x, y); break;
            case UnaryOp.Sign:
                // NaN stays NaN and ±0 stays 0, as numpy's sign does.
                for (int i = 0; i < x.Length; i++)
                {
                    float v = x[i];
                    y[i] = v > 0 ? 1f : v < 0 ? -1f : v == 0 ? 0f : v;
                }
                break;
            case UnaryOp.Floor: TensorPrimitives.Floor(x, y); break;
            case UnaryOp.Ceil: TensorPrimitives.Ceiling(x, y); break;
            case UnaryOp.Round: TensorPrimitives.Round(x, MidpointRounding.ToEven, y); break;
            case UnaryOp.Sin: TensorPrimitives.Sin(x, y); break;
            case UnaryOp.Cos: TensorPrimitives.Cos(x, y); break;
            case UnaryOp.Erf:
                for (int i = 0; i < x.Length; i++) y[i] = ScalarMath.Erf(x[i]);
                break;
            case UnaryOp.Clip:
                // max then min (not Clamp, which rejects min > max): numpy's clip(x, lo, hi) = min(max(x, lo), hi).
                TensorPrimitives.Max(x, arg0, y);
                TensorPrimitives.Min(y, arg1, y);
                break;
            case UnaryOp.Pow: TensorPrimitives.Pow(x, arg0, y); break;
            case UnaryOp.Affine:
                TensorPrimitives.Multiply(x, arg0, y);
                TensorPrimitives.Add(y, arg1, y);
                break;
            case UnaryOp.MaximumScalar: TensorPrimitives.Max(x, arg0, y); break;
            case UnaryOp.MinimumScalar: TensorPrimitives.Min(x, arg0, y); break;
            default: throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown unary op.");
        }
    }
}
