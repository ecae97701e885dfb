using DeepNet.Backends;
using DeepNet.Backends.Cpu.Elementwise;
using DeepNet.Backends.Cpu.Reference;
using static DeepNet.Tests.Cpu.ElementwiseTestSupport;

namespace DeepNet.Tests.Cpu;

public class ElementwiseKernelTests
{
    /// <summary>One row per unary op: input range, scalar arguments and tolerance.</summary>
    public sealed record UnaryCase(UnaryOp Op, double Low, double High, float Arg0 = 0, float Arg1 = 0, double Abs = 1e-6, double Rel = 1e-6)
    {
        public override string ToString() => Op.ToString();
    }

    private static readonly UnaryCase[] UnaryCases =
    [
        new(UnaryOp.Negate, -10, 10),
        new(UnaryOp.Abs, -10, 10),
        new(UnaryOp.Square, -10, 10),
        new(UnaryOp.Sqrt, 0, 100),
        new(UnaryOp.Rsqrt, 0.01, 100, Rel: 2e-6),
        new(UnaryOp.Exp, -20, 20, Rel: 2e-6),
        new(UnaryOp.Log, 1e-3, 1e3, Rel: 2e-6),
        new(UnaryOp.Log1p, -0.999, 10, Abs: 1e-30, Rel: 2e-7),
        new(UnaryOp.Reciprocal, 0.1, 10),
        new(UnaryOp.Sign, -3, 3, Abs: 0, Rel: 0),
        new(UnaryOp.Floor, -50, 50, Abs: 0, Rel: 0),
        new(UnaryOp.Ceil, -50, 50, Abs: 0, Rel: 0),
        new(UnaryOp.Round, -50, 50, Abs: 0, Rel: 0),
        new(UnaryOp.Sin, -10, 10, Abs: 2e-7),
        new(UnaryOp.Cos, -10, 10, Abs: 2e-7),
        new(UnaryOp.Erf, -5, 5, Abs: 1e-30, Rel: 1.2e-7),
        new(UnaryOp.Clip, -5, 5, -1.5f, 2.25f, Abs: 0, Rel: 0),
        new(UnaryOp.Pow, 0, 10, 2.5f, Rel: 2e-6),
        new(UnaryOp.Affine, -10, 10, 1.75f, -0.5f, Abs: 1e-6, Rel: 1e-6),
        new(UnaryOp.MaximumScalar, -5, 5, 0.5f, Abs: 0, Rel: 0),
        new(UnaryOp.MinimumScalar, -5, 5, 0.5f, Abs: 0, Rel: 0),
    ];

    [Test]
    public void UnaryCases_CoverEveryUnaryOp()
    {
        foreach (UnaryOp op in Enum.GetValues<UnaryOp>())
            Assert.That(UnaryCases.Any(c => c.Op == op), Is.True, $"no test row for {op}");
    }

    [TestCaseSource(nameof(UnaryCases))]
    public void Unary_AllLengths_MatchesFloat64Reference(UnaryCase c)
    {
        foreach (int n in Lengths())
        {
            var data = Uniform(n, 100 + n, c.Low, c.High);
            using var x = Make(data, n);
            using var y = Tensor.Empty(x.Shape, backend: Kernels);
            Kernels.Unary(c.Op, x, y, c.Arg0, c.Arg1);
            AssertClose(y.ToArray(), Reference(c, data), c.Abs, c.Rel, $"{c.Op} n={n}", data);
        }
    }

    [TestCaseSource(nameof(UnaryCases))]
    public void Unary_InPlace_MatchesFloat64Reference(UnaryCase c)
    {
        var data = Uniform(67, 7, c.Low, c.High);
        using var x = Make(data, 67);
        Kernels.Unary(c.Op, x, x, c.Arg0, c.Arg1);
        AssertClose(x.ToArray(), Reference(c, data), c.Abs, c.Rel, $"{c.Op} in place", data);
    }

    [TestCaseSource(nameof(UnaryCases))]
    public void Unary_SpecialValues_MatchFloat64Reference(UnaryCase c)
    {
        float[] data = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1f, -1f, 0.5f, -0.5f, 1.5f, 2.5f, -2.5f,
            1e-30f, -1e-30f, 1e-7f, float.Epsilon, 88.8f, -104f, 1e30f, -1e30f];
        using var x = Make(data, data.Length);
        using var y = Tensor.Empty(x.Shape, backend: Kernels);
        Kernels.Unary(c.Op, x, y, c.Arg0, c.Arg1);
        // Sin/Cos of ±1e30 are argument-reduction tests of their own; only check they stay in range.
        var expected = Reference(c, data);
        var actual = y.ToArray();
        if (c.Op is UnaryOp.Sin or UnaryOp.Cos)
        {
            for (int i = 18; i < 20; i++)
            {
                Assert.That(Math.Abs(actual[i]), Is.LessThanOrEqualTo(1f), $"{c.Op}({data[i]})");
                expected[i] = actual[i];
            }
        }
        AssertClose(actual, expected, c.Abs == 0 ? 0 : Math.Max(c.Abs, 1e-30), c.Rel, $"{c.Op} special values", data);
    }

    [Test]
    public void Round_HalfwayCases_RoundToEven()
    {
        float[] data = [0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 3.5f, 0.49999997f];
        using var x = Make(data, data.Length);
        Kernels.Unary(UnaryOp.Round, x, x);
        Assert.That(x.ToArray(), Is.EqualTo(new float[] { 0, 2, 2, -0f, -2, -2, 4, 0 }));
    }

    [Test]
    public void Pow_NegativeBaseIntegerExponent_MatchesFloat64Reference()
    {
        var data = Uniform(33, 3, -4, 4);
        using var x = Make(data, 33);
        Kernels.Unary(UnaryOp.Pow, x, x, 3f);
        AssertClose(x.ToArray(), ReferenceOf(data, v => Math.Pow(v, 3)), 1e-5, 2e-6, "Pow(x, 3)", data);
    }

    [Test]
    public void Erf_DoubleKernel_MatchesSeriesReferenceTo1e15()
    {
        // Checks the fdlibm coefficients as transcribed: the double evaluation must agree with the
        // series/continued-fraction reference to a few double ulps over the whole range.
        for (int i = -70000; i <= 70000; i += 7)
        {
            double x = i * 1e-4;
            double expected = ReferenceElementwise.Erf(x), actual = ScalarMath.Erf(x);
            Assert.That(Math.Abs(actual - expected), Is.LessThanOrEqualTo(2e-15 * Math.Abs(expected) + 1e-300), $"erf({x:R})");
        }
    }

    [Test]
    public void Erf_Float_IsWithinOneUlpOfReference()
    {
        var rng = new Random(5);
        for (int i = 0; i < 20000; i++)
        {
            float x = (float)(rng.NextDouble() * 12 - 6) * (i % 3 == 0 ? 1e-3f : 1f);
            double expected = ReferenceElementwise.Erf(x);
            float actual = ScalarMath.Erf(x);
            Assert.That(Math.Abs(actual - expected), Is.LessThanOrEqualTo(Math.Abs(expected) * 1.2e-7), $"erf({x:R})");
        }
    }

    // ---- binary ------------------------------------------------------------------------------

    private static readonly int[][][] ShapePairs =
    [
        [[5], [5]],
        [[], [7]],
        [[7], []],
        [[], []],
        [[1], [6]],
        [[3, 4], [4]],
        [[4], [3, 4]],
        [[3, 4], [3, 1]],
        [[3, 1], [3, 4]],
        [[3, 1], [1, 4]],
        [[2, 3, 4], [3, 1]],
        [[2, 1, 4], [1, 3, 1]],
        [[2, 3, 1, 5], [4, 1]],
        [[2, 3, 4, 5], [2, 1, 4, 1]],
        [[1, 1], [1, 1]],
        [[0, 3], [3]],
        [[4, 70], [70]],
        [[67], [67]],
        [[5, 1, 33], [5, 2, 33]],
        [[6, 40], [6, 1]],
        [[1, 40], [6, 40]],
        [[3, 1, 20], [1, 4, 1]],
    ];

    // Past the parallel threshold; the driver is the same for every op, so a few ops suffice.
    private static readonly int[][][] LargeShapePairs =
    [
        [[257, 257], [257]],
        [[257, 257], [257, 1]],
        [[2, 130, 257], [2, 130, 257]],
        [[22_000, 3], [3]],
    ];

    private static IEnumerable<TestCaseData> BinaryOps() => Enum.GetValues<BinaryOp>().Select(op => new TestCaseData(op));

    private static (float[] A, float[] B) BinaryInputs(BinaryOp op, long sizeA, long sizeB, int seed)
    {
        switch (op)
        {
            case BinaryOp.Power:
                return (Uniform(sizeA, seed, 0.1, 3), Uniform(sizeB, seed + 1, -2, 2));
            case BinaryOp.Divide:
            {
                var b = Uniform(sizeB, seed + 1, 0.5, 2);
                for (int i = 0; i < b.Length; i += 2) b[i] = -b[i];
                return (Uniform(sizeA, seed, -10, 10), b);
            }
            case BinaryOp.Equal or BinaryOp.NotEqual or BinaryOp.Greater or BinaryOp.GreaterEqual or BinaryOp.Less or BinaryOp.LessEqual
                or BinaryOp.Maximum or BinaryOp.Minimum:
            {
                // Small integers, so equal pairs are common.
                var a = Uniform(sizeA, seed, -2, 2);
                var b = Uniform(sizeB, seed + 1, -2, 2);
                for (int i = 0; i < a.Length; i++) a[i] = MathF.Round(a[i]);
                for (int i = 0; i < b.Length; i++) b[i] = MathF.Round(b[i]);
                return (a, b);
            }
            default:
                return (Uniform(sizeA, seed, -10, 10), Uniform(sizeB, seed + 1, -10, 10));
        }
    }

    [TestCaseSource(nameof(BinaryOps))]
    public void Binary_BroadcastShapes_MatchFloat64Reference(BinaryOp op)
    {
        int seed = 0;
        var pairs = op is BinaryOp.Add or BinaryOp.Divide or BinaryOp.Power or BinaryOp.Less ? ShapePairs.Concat(LargeShapePairs) : ShapePairs;
        foreach (var pair in pairs)
        {
            int[] sa = pair[0], sb = pair[1];
            var (da, db) = BinaryInputs(op, SizeOf(sa), SizeOf(sb), seed += 2);
            var expected = ReferenceElementwise.Binary(op, ToDouble(da), sa, ToDouble(db), sb, out var sy);
            using var a = Make(da, sa);
            using var b = Make(db, sb);
            using var y = Tensor.Empty(new Shape(sy), backend: Kernels);
            Kernels.Binary(op, a, b, y);
            AssertClose(y.ToArray(), expected, 1e-6, op == BinaryOp.Power ? 2e-6 : 1e-6, $"{op} {Format(sa)} with {Format(sb)}");
        }
    }

    [TestCaseSource(nameof(BinaryOps))]
    public void Binary_InPlaceIntoEitherOperand_MatchesFloat64Reference(BinaryOp op)
    {
        int[] sa = [6, 35], sb = [35];
        var (da, db) = BinaryInputs(op, 210, 35, 9);
        var expected = ReferenceElementwise.Binary(op, ToDouble(da), sa, ToDouble(db), sb, out _);
        using var a = Make(da, sa);
        using var b = Make(db, sb);
        Kernels.Binary(op, a, b, a);
        AssertClose(a.ToArray(), expected, 1e-6, 2e-6, $"{op} into a");

        // Into b: b has the full shape here and a is the broadcast row.
        var expectedB = ReferenceElementwise.Binary(op, ToDouble(db), sb, ToDouble(da), sa, out _);
        using var row = Make(db, sb);
        using var full = Make(da, sa);
        Kernels.Binary(op, row, full, full);
        AssertClose(full.ToArray(), expectedB, 1e-6, 2e-6, $"{op} into b");
    }

    [TestCaseSource(nameof(BinaryOps))]
    public void Binary_NaNAndInfinities_MatchFloat64Reference(BinaryOp op)
    {
        float[] values = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 1f, -2f, 3.5f];
        int n = values.Length;
        // Every pair, in a length that also runs the vector path.
        var da = new float[n * n];
        var db = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) { da[i * n + j] = values[i]; db[i * n + j] = values[j]; }
        var expected = ReferenceElementwise.Binary(op, ToDouble(da), [n * n], ToDouble(db), [n * n], out _);
        using var a = Make(da, n * n);
        using var b = Make(db, n * n);
        using var y = Tensor.Empty(a.Shape, backend: Kernels);
        Kernels.Binary(op, a, b, y);
        AssertClose(y.ToArray(), expected, 1e-6, 1e-6, $"{op} special values");
    }

    [Test]
    public void Binary_ShapesDoNotBroadcast_ThrowsNamingOpAndShapes()
    {
        using var a = Tensor.Zeros(new Shape(3, 4), backend: Kernels);
        using var b = Tensor.Zeros(new Shape(5), backend: Kernels);
        using var y = Tensor.Zeros(new Shape(3, 4), backend: Kernels);
        var e = Assert.Throws<ShapeMismatchException>(() => Kernels.Binary(BinaryOp.Add, a, b, y));
        Assert.That(e!.Message, Does.Contain("Add").And.Contain("(3, 4)").And.Contain("(5,)"));
    }

    [Test]
    public void Binary_WrongOutputShape_ThrowsNamingAllShapes()
    {
        using var a = Tensor.Zeros(new Shape(3, 1), backend: Kernels);
        using var b = Tensor.Zeros(new Shape(4), backend: Kernels);
        using var y = Tensor.Zeros(new Shape(3, 1), backend: Kernels);
        var e = Assert.Throws<ShapeMismatchException>(() => Kernels.Binary(BinaryOp.Multiply, a, b, y));
        Assert.That(e!.Message, Does.Contain("Multiply").And.Contain("(3, 1)").And.Contain("(4,)").And.Contain("(3, 4)"));
    }

    [Test]
    public void Unary_OutputShapeDiffers_ThrowsNamingShapes()
    {
        using var x = Tensor.Zeros(new Shape(2, 3), backend: Kernels);
        using var y = Tensor.Zeros(new Shape(3, 2), backend: Kernels);
        var e = Assert.Throws<ShapeMismatchException>(() => Kernels.Unary(UnaryOp.Exp, x, y));
        Assert.That(e!.Message, Does.Contain("Exp").And.Contain("(2, 3)").And.Contain("(3, 2)"));
    }

    [Test]
    public void Unary_IntTensor_Throws()
    {
        using var x = Tensor.Zeros(new Shape(4), DType.Int32, Kernels);
        Assert.Throws<ArgumentException>(() => Kernels.Unary(UnaryOp.Abs, x, x));
    }

    private static double[] Reference(UnaryCase c, float[] data) => ReferenceOf(data, v => ReferenceElementwise.Unary(c.Op, v, c.Arg0, c.Arg1));

    private static double[] ReferenceOf(float[] data, Func<double, double> f)
    {
        var r = new double[data.Length];
        for (int i = 0; i < data.Length; i++) r[i] = f(data[i]);
        return r;
    }
}
