#nullable enable
namespace DeepNet.Backends.Cpu.Reference;

/// <summary>
/// Float64 reference for the unary and binary elementwise kernels: plain loops over double[],
/// numpy broadcasting written out index by index, no vectors, no shortcuts. Also the
/// high-accuracy erf/erfc every erf-based kernel is checked against.
/// </summary>
public static class ReferenceElementwise
{
    /// <summary>y = op(x); arg0/arg1 as <see cref="UnaryOp"/> documents.</summary>
    public static double Unary(UnaryOp op, double x, double arg0 = 0, double arg1 = 0) => op switch
    {
        UnaryOp.Negate => -x,
        UnaryOp.Abs => Math.Abs(x),
        UnaryOp.Square => x * x,
        UnaryOp.Sqrt => Math.Sqrt(x),
        UnaryOp.Rsqrt => 1.0 / Math.Sqrt(x),
        UnaryOp.Exp => Math.Exp(x),
        UnaryOp.Log => Math.Log(x),
        UnaryOp.Log1p => Log1p(x),
        UnaryOp.Reciprocal => 1.0 / x,
        UnaryOp.Sign => double.IsNaN(x) ? x : Math.Sign(x),
        UnaryOp.Floor => Math.Floor(x),
        UnaryOp.Ceil => Math.Ceiling(x),
        UnaryOp.Round => Math.Round(x, MidpointRounding.ToEven),
        UnaryOp.Sin => Math.Sin(x),
        UnaryOp.Cos => Math.Cos(x),
        UnaryOp.Erf => Erf(x),
        UnaryOp.Clip => Math.Min(Math.Max(x, arg0), arg1),
        UnaryOp.Pow => Math.Pow(x, arg0),
        UnaryOp.Affine => arg0 * x + arg1,
        UnaryOp.MaximumScalar => Math.Max(x, arg0),
        UnaryOp.MinimumScalar => Math.Min(x, arg0),
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>a op b; comparisons give 1 or 0.</summary>
    public static double Binary(BinaryOp op, double a, double b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Subtract => a - b,
        BinaryOp.Multiply => a * b,
        BinaryOp.Divide => a / b,
        BinaryOp.Maximum => Math.Max(a, b),
        BinaryOp.Minimum => Math.Min(a, b),
        BinaryOp.Power => Math.Pow(a, b),
        BinaryOp.Equal => a == b ? 1 : 0,
        BinaryOp.NotEqual => a != b ? 1 : 0,
        BinaryOp.Greater => a > b ? 1 : 0,
        BinaryOp.GreaterEqual => a >= b ? 1 : 0,
        BinaryOp.Less => a < b ? 1 : 0,
        BinaryOp.LessEqual => a <= b ? 1 : 0,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>numpy broadcast shape of two shapes (throws when they do not broadcast).</summary>
    public static int[] BroadcastShape(int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var y = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1) throw new ArgumentException("shapes do not broadcast");
            y[i] = da == 1 ? db : da;
        }
        return y;
    }

    /// <summary>y = a op b with numpy broadcasting; every output element maps its index back into a and b.</summary>
    public static double[] Binary(BinaryOp op, double[] a, int[] aShape, double[] b, int[] bShape, out int[] yShape)
    {
        yShape = BroadcastShape(aShape, bShape);
        long size = 1;
        foreach (int d in yShape) size *= d;
        var y = new double[size];
        var index = new int[yShape.Length];
        for (long i = 0; i < size; i++)
        {
            long rest = i;
            for (int k = yShape.Length - 1; k >= 0; k--)
            {
                index[k] = (int)(rest % yShape[k]);
                rest /= yShape[k];
            }
            y[i] = Binary(op, a[SourceIndex(index, aShape)], b[SourceIndex(index, bShape)]);
        }
        return y;
    }

    // Row-major index into an operand of (right-aligned) shape, size-1 dimensions pinned to 0.
    private static long SourceIndex(int[] index, int[] shape)
    {
        long offset = 0;
        int shift = index.Length - shape.Length;
        for (int k = 0; k < shape.Length; k++)
            offset = offset * shape[k] + (shape[k] == 1 ? 0 : index[k + shift]);
        return offset;
    }

    /// <summary>log(1 + x); the Taylor series near 0 where 1 + x would round.</summary>
    public static double Log1p(double x)
    {
        if (Math.Abs(x) < 1e-4)
            return x - x * x / 2 + x * x * x / 3 - x * x * x * x / 4;
        return Math.Log(1 + x);
    }

    /// <summary>exp(x) − 1; the Taylor series near 0 where exp(x) − 1 would cancel.</summary>
    public static double Expm1(double x)
    {
        if (Math.Abs(x) < 1e-4)
            return x + x * x / 2 + x * x * x / 6 + x * x * x * x / 24;
        return Math.Exp(x) - 1;
    }

    /// <summary>
    /// erf to about 1e-15 relative: below |x| = 3 the all-positive series
    /// erf(x) = 2/√π·exp(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)) (Abramowitz–Stegun 7.1.6; no cancellation),
    /// above it 1 − erfc(x) from the continued fraction.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax >= 3) return Math.Sign(x) * (1 - ErfcContinuedFraction(ax));
        double term = ax, sum = ax, x2 = 2 * ax * ax;
        for (int n = 1; n < 200 && term > 1e-18 * sum; n++)
        {
            term *= x2 / (2 * n + 1);
            sum += term;
        }
        return Math.Sign(x) * 2 / Math.Sqrt(Math.PI) * Math.Exp(-ax * ax) * sum;
    }

    /// <summary>erfc(x) = 1 − erf(x) without the cancellation for large x.</summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x >= 3) return ErfcContinuedFraction(x);
        return 1 - Erf(x);
    }

    // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) (A&S 7.1.14), evaluated
    // from the tail; 120 terms reach double precision for x ≥ 3 (the tests check it against fdlibm).
    private static double ErfcContinuedFraction(double x)
    {
        if (double.IsPositiveInfinity(x)) return 0;
        double f = x;
        for (int k = 120; k >= 1; k--) f = x + k / 2.0 / f;
        return Math.Exp(-x * x) / (Math.Sqrt(Math.PI) * f);
    }
}
