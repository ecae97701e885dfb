#nullable enable
using DeepNet.Autograd;
using DeepNet.Backends;

namespace DeepNet;

// Elementwise arithmetic with numpy broadcasting. Gradients of broadcast operands are summed
// back over the broadcast axes (ReduceToShape).
public static partial class Ops
{
    // ---- tensor ∘ tensor -----------------------------------------------------------------------

    /// <summary>a + b with broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        var y = BinaryKernel("Add", BinaryOp.Add, a, b);
        if (Recording)
        {
            Shape sa = a.Shape, sb = b.Shape;
            GradientTape.Record("Add", y, [a, b], (dy, want) =>
                [want[0] ? ReduceToShape(dy, sa) : null, want[1] ? ReduceToShape(dy, sb) : null]);
        }
        return y;
    }

    /// <summary>a − b with broadcasting.</summary>
    public static Tensor Subtract(Tensor a, Tensor b)
    {
        var y = BinaryKernel("Subtract", BinaryOp.Subtract, a, b);
        if (Recording)
        {
            Shape sa = a.Shape, sb = b.Shape;
            GradientTape.Record("Subtract", y, [a, b], (dy, want) =>
            {
                Tensor? db = null;
                if (want[1])
                {
                    using var reduced = ReduceToShape(dy, sb);
                    db = Negate(reduced);
                }
                return [want[0] ? ReduceToShape(dy, sa) : null, db];
            });
        }
        return y;
    }

    /// <summary>a · b elementwise with broadcasting.</summary>
    public static Tensor Multiply(Tensor a, Tensor b)
    {
        var y = BinaryKernel("Multiply", BinaryOp.Multiply, a, b);
        if (Recording)
        {
            GradientTape.Record("Multiply", y, [a, b], (dy, want) =>
                [want[0] ? ReduceOwned(Multiply(dy, b), a.Shape) : null,
                 want[1] ? ReduceOwned(Multiply(dy, a), b.Shape) : null]);
        }
        return y;
    }

    /// <summary>a / b elementwise with broadcasting.</summary>
    public static Tensor Divide(Tensor a, Tensor b)
    {
        var y = BinaryKernel("Divide", BinaryOp.Divide, a, b);
        if (Recording)
        {
            GradientTape.Record("Divide", y, [a, b], (dy, want) =>
            {
                Tensor? da = want[0] ? ReduceOwned(Divide(dy, b), a.Shape) : null;
                Tensor? db = null;
                if (want[1])
                {
                    // d(a/b)/db = −a/b² = −y/b
                    using var dyY = Multiply(dy, y);
                    using var q = Divide(dyY, b);
                    db = ReduceOwned(Negate(q), b.Shape);
                }
                return [da, db];
            });
        }
        return y;
    }

    /// <summary>max(a, b) elementwise; at ties the gradient goes to a (as TensorFlow does).</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => MinMax("Maximum", BinaryOp.Maximum, BinaryOp.GreaterEqual, a, b);

    /// <summary>min(a, b) elementwise; at ties the gradient goes to a (as TensorFlow does).</summary>
    public static Tensor Minimum(Tensor a, Tensor b) => MinMax("Minimum", BinaryOp.Minimum, BinaryOp.LessEqual, a, b);

    private static Tensor MinMax(string op, BinaryOp kind, BinaryOp pickA, Tensor a, Tensor b)
    {
        var y = BinaryKernel(op, kind, a, b);
        if (Recording)
        {
            GradientTape.Record(op, y, [a, b], (dy, want) =>
            {
                using var maskA = BinaryKernel(op, pickA, a, b);
                using var toA = Multiply(dy, maskA);
                Tensor? db = null;
                if (want[1])
                {
                    using var toB = Subtract(dy, toA);
                    db = ReduceToShape(toB, b.Shape);
                }
                return [want[0] ? ReduceToShape(toA, a.Shape) : null, db];
            });
        }
        return y;
    }

    /// <summary>a ^ b elementwise with broadcasting (a &gt; 0 where b's gradient is needed).</summary>
    public static Tensor Power(Tensor a, Tensor b)
    {
        var y = BinaryKernel("Power", BinaryOp.Power, a, b);
        if (Recording)
        {
            GradientTape.Record("Power", y, [a, b], (dy, want) =>
            {
                Tensor? da = null, db = null;
                if (want[0])
                {
                    // b · a^(b−1) = b · y / a, written without dividing by a: b · a^(b−1)
                    using var bm1 = Add(b, -1f);
                    using var p = BinaryKernel("Power", BinaryOp.Power, a, bm1);
                    using var t = Multiply(p, b);
                    da = ReduceOwned(Multiply(dy, t), a.Shape);
                }
                if (want[1])
                {
                    using var logA = Log(a);
                    using var t = Multiply(y, logA);
                    db = ReduceOwned(Multiply(dy, t), b.Shape);
                }
                return [da, db];
            });
        }
        return y;
    }

    // ---- comparisons (1.0 where true, 0.0 where false; constants to the tape) -----------------

    public static Tensor Equal(Tensor a, Tensor b) => BinaryKernel("Equal", BinaryOp.Equal, a, b);

    public static Tensor NotEqual(Tensor a, Tensor b) => BinaryKernel("NotEqual", BinaryOp.NotEqual, a, b);

    public static Tensor Greater(Tensor a, Tensor b) => BinaryKernel("Greater", BinaryOp.Greater, a, b);

    public static Tensor GreaterEqual(Tensor a, Tensor b) => BinaryKernel("GreaterEqual", BinaryOp.GreaterEqual, a, b);

    public static Tensor Less(Tensor a, Tensor b) => BinaryKernel("Less", BinaryOp.Less, a, b);

    public static Tensor LessEqual(Tensor a, Tensor b) => BinaryKernel("LessEqual", BinaryOp.LessEqual, a, b);

    // ---- tensor ∘ scalar (one affine kernel: y = scale·x + shift) ------------------------------

    public static Tensor Add(Tensor x, float value) => Affine("Add", x, 1f, value);

    public static Tensor Add(float value, Tensor x) => Affine("Add", x, 1f, value);

    public static Tensor Subtract(Tensor x, float value) => Affine("Subtract", x, 1f, -value);

    public static Tensor Subtract(float value, Tensor x) => Affine("Subtract", x, -1f, value);

    public static Tensor Multiply(Tensor x, float value) => Affine("Multiply", x, value, 0f);

    public static Tensor Multiply(float value, Tensor x) => Affine("Multiply", x, value, 0f);

    public static Tensor Divide(Tensor x, float value) => Affine("Divide", x, 1f / value, 0f);

    /// <summary>value / x elementwise.</summary>
    public static Tensor Divide(float value, Tensor x)
    {
        var r = Reciprocal(x);
        var y = Multiply(r, value);
        Release(r);
        return y;
    }

    /// <summary>y = scale·x + shift in one kernel.</summary>
    public static Tensor Affine(Tensor x, float scale, float shift) => Affine("Affine", x, scale, shift);

    private static Tensor Affine(string op, Tensor x, float scale, float shift)
    {
        var y = UnaryKernel(op, UnaryOp.Affine, x, scale, shift);
        if (Recording)
            GradientTape.Record(op, y, [x], (dy, _) => [scale == 1f ? Alias(dy) : UnaryKernel(op, UnaryOp.Affine, dy, scale, 0f)]);
        return y;
    }

    // ---- unary -----------------------------------------------------------------------------------

    public static Tensor Negate(Tensor x)
    {
        var y = UnaryKernel("Negate", UnaryOp.Negate, x);
        if (Recording) GradientTape.Record("Negate", y, [x], (dy, _) => [UnaryKernel("Negate", UnaryOp.Negate, dy)]);
        return y;
    }

    /// <summary>|x|; the gradient is sign(x) (0 at 0).</summary>
    public static Tensor Abs(Tensor x)
    {
        var y = UnaryKernel("Abs", UnaryOp.Abs, x);
        if (Recording)
        {
            GradientTape.Record("Abs", y, [x], (dy, _) =>
            {
                using var s = Sign(x);
                return [Multiply(dy, s)];
            });
        }
        return y;
    }

    public static Tensor Square(Tensor x)
    {
        var y = UnaryKernel("Square", UnaryOp.Square, x);
        if (Recording)
        {
            GradientTape.Record("Square", y, [x], (dy, _) =>
            {
                using var twoX = Multiply(x, 2f);
                return [Multiply(dy, twoX)];
            });
        }
        return y;
    }

    public static Tensor Sqrt(Tensor x)
    {
        var y = UnaryKernel("Sqrt", UnaryOp.Sqrt, x);
        if (Recording)
        {
            GradientTape.Record("Sqrt", y, [x], (dy, _) =>
            {
                using var twoY = Multiply(y, 2f);
                return [Divide(dy, twoY)];
            });
        }
        return y;
    }

    /// <summary>1 / sqrt(x).</summary>
    public static Tensor Rsqrt(Tensor x)
    {
        var y = UnaryKernel("Rsqrt", UnaryOp.Rsqrt, x);
        if (Recording)
        {
            GradientTape.Record("Rsqrt", y, [x], (dy, _) =>
            {
                // d x^(−1/2) = −½ x^(−3/2) = −½ y / x
                using var yOverX = Divide(y, x);
                using var t = Multiply(dy, yOverX);
                return [Multiply(t, -0.5f)];
            });
        }
        return y;
    }

    public static Tensor Exp(Tensor x)
    {
        var y = UnaryKernel("Exp", UnaryOp.Exp, x);
        if (Recording) GradientTape.Record("Exp", y, [x], (dy, _) => [Multiply(dy, y)]);
        return y;
    }

    /// <summary>Natural logarithm.</summary>
    public static Tensor Log(Tensor x)
    {
        var y = UnaryKernel("Log", UnaryOp.Log, x);
        if (Recording) GradientTape.Record("Log", y, [x], (dy, _) => [Divide(dy, x)]);
        return y;
    }

    /// <summary>log(1 + x), accurate near 0.</summary>
    public static Tensor Log1p(Tensor x)
    {
        var y = UnaryKernel("Log1p", UnaryOp.Log1p, x);
        if (Recording)
        {
            GradientTape.Record("Log1p", y, [x], (dy, _) =>
            {
                using var onePlusX = Add(x, 1f);
                return [Divide(dy, onePlusX)];
            });
        }
        return y;
    }

    /// <summary>1 / x.</summary>
    public static Tensor Reciprocal(Tensor x)
    {
        var y = UnaryKernel("Reciprocal", UnaryOp.Reciprocal, x);
        if (Recording)
        {
            GradientTape.Record("Reciprocal", y, [x], (dy, _) =>
            {
                using var y2 = Square(y);
                using var t = Multiply(dy, y2);
                return [Negate(t)];
            });
        }
        return y;
    }

    /// <summary>x ^ exponent elementwise.</summary>
    public static Tensor Pow(Tensor x, float exponent)
    {
        var y = UnaryKernel("Pow", UnaryOp.Pow, x, exponent);
        if (Recording)
        {
            GradientTape.Record("Pow", y, [x], (dy, _) =>
            {
                if (exponent == 0f) return [ZerosLike(x)];
                if (exponent == 1f) return [Alias(dy)];
                using var p = UnaryKernel("Pow", UnaryOp.Pow, x, exponent - 1f);
                using var t = Multiply(dy, p);
                return [Multiply(t, exponent)];
            });
        }
        return y;
    }

    /// <summary>
    /// Clamps to [min, max]. The gradient passes where min ≤ x ≤ max and is 0 outside, as
    /// TensorFlow's clip_by_value.
    /// </summary>
    public static Tensor Clip(Tensor x, float min, float max)
    {
        if (min > max) throw new ArgumentException($"Clip: min ({min}) must not exceed max ({max}).");
        var y = UnaryKernel("Clip", UnaryOp.Clip, x, min, max);
        if (Recording) GradientTape.Record("Clip", y, [x], (dy, _) => [PassWhereUnchanged(dy, x, y)]);
        return y;
    }

    /// <summary>max(x, value); the gradient passes where x ≥ value.</summary>
    public static Tensor Maximum(Tensor x, float value)
    {
        var y = UnaryKernel("Maximum", UnaryOp.MaximumScalar, x, value);
        if (Recording) GradientTape.Record("Maximum", y, [x], (dy, _) => [PassWhereUnchanged(dy, x, y)]);
        return y;
    }

    /// <summary>min(x, value); the gradient passes where x ≤ value.</summary>
    public static Tensor Minimum(Tensor x, float value)
    {
        var y = UnaryKernel("Minimum", UnaryOp.MinimumScalar, x, value);
        if (Recording) GradientTape.Record("Minimum", y, [x], (dy, _) => [PassWhereUnchanged(dy, x, y)]);
        return y;
    }

    /// <summary>dy where the op left x as it was (y == x), 0 where it clamped.</summary>
    private static Tensor PassWhereUnchanged(Tensor dy, Tensor x, Tensor y)
    {
        using var mask = Equal(y, x);
        return Multiply(dy, mask);
    }

    public static Tensor Sin(Tensor x)
    {
        var y = UnaryKernel("Sin", UnaryOp.Sin, x);
        if (Recording)
        {
            GradientTape.Record("Sin", y, [x], (dy, _) =>
            {
                using var c = Cos(x);
                return [Multiply(dy, c)];
            });
        }
        return y;
    }

    public static Tensor Cos(Tensor x)
    {
        var y = UnaryKernel("Cos", UnaryOp.Cos, x);
        if (Recording)
        {
            GradientTape.Record("Cos", y, [x], (dy, _) =>
            {
                using var s = Sin(x);
                using var t = Multiply(dy, s);
                return [Negate(t)];
            });
        }
        return y;
    }

    /// <summary>The error function.</summary>
    public static Tensor Erf(Tensor x)
    {
        var y = UnaryKernel("Erf", UnaryOp.Erf, x);
        if (Recording)
        {
            GradientTape.Record("Erf", y, [x], (dy, _) =>
            {
                // 2/√π · exp(−x²)
                using var x2 = Square(x);
                using var negX2 = Negate(x2);
                using var e = Exp(negX2);
                using var t = Multiply(dy, e);
                return [Multiply(t, 1.1283791670955126f)];
            });
        }
        return y;
    }

    // Piecewise-constant ops: not recorded, so they act as constants (zero gradient).

    /// <summary>−1, 0 or 1; a constant to the tape.</summary>
    public static Tensor Sign(Tensor x) => UnaryKernel("Sign", UnaryOp.Sign, x);

    public static Tensor Floor(Tensor x) => UnaryKernel("Floor", UnaryOp.Floor, x);

    public static Tensor Ceil(Tensor x) => UnaryKernel("Ceil", UnaryOp.Ceil, x);

    /// <summary>Round half to even; a constant to the tape.</summary>
    public static Tensor Round(Tensor x) => UnaryKernel("Round", UnaryOp.Round, x);

    // ---- kernels ---------------------------------------------------------------------------------

    private static Tensor BinaryKernel(string op, BinaryOp kind, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var backend = SameBackend(op, a, b);
        CheckFloat(op, a, "a");
        CheckFloat(op, b, "b");
        var y = NewLike(a, Shape.Broadcast(a.Shape, b.Shape, op));
        backend.Binary(kind, a, b, y);
        return y;
    }

    private static Tensor UnaryKernel(string op, UnaryOp kind, Tensor x, float arg0 = 0f, float arg1 = 0f)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckFloat(op, x);
        var y = NewLike(x, x.Shape);
        x.Backend.Unary(kind, x, y, arg0, arg1);
        return y;
    }

    /// <summary>ReduceToShape that also releases its argument.</summary>
    private static Tensor ReduceOwned(Tensor gradient, Shape shape)
    {
        var r = ReduceToShape(gradient, shape);
        gradient.Dispose();
        return r;
    }
}
