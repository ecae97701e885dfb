using DeepNet.Backends;
using DeepNet.Backends.Cpu;
using DeepNet.Tests.Autograd;
using static DeepNet.Tests.Autograd.Float64;

namespace DeepNet.Tests.OpTests;

public class ArithmeticTests
{
    private static Shape S(params int[] d) => new(d);

    private static void CheckBinary(string name, Func<Tensor, Tensor, Tensor> op, Func<double, double, double> f, int[] sa, int[] sb,
        double[][]? inputs = null)
    {
        GradientCheck.Check(name, x => op(x[0], x[1]), x => Broadcast(x[0], sa, x[1], sb, f), [S(sa), S(sb)], inputs);
    }

    private static void CheckUnary(string name, Func<Tensor, Tensor> op, Func<double, double> f, int[] shape, double[]? input = null)
    {
        GradientCheck.Check(name, x => op(x[0]), x => Map(x[0], f), [S(shape)], input is null ? null : [input]);
    }

    [Test]
    public void Add_BroadcastRowVector_GradientSumsOverRows() =>
        CheckBinary("Add", DeepNet.Ops.Add, (a, b) => a + b, [3, 4], [4]);

    [Test]
    public void Add_BroadcastBothOperands_GradientsReduceToEachShape() =>
        CheckBinary("Add", DeepNet.Ops.Add, (a, b) => a + b, [2, 1, 3], [4, 1]);

    [Test]
    public void Subtract_Broadcast_MatchesFiniteDifferences() =>
        CheckBinary("Subtract", DeepNet.Ops.Subtract, (a, b) => a - b, [2, 3, 1], [3, 4]);

    [Test]
    public void Multiply_BroadcastColumnTimesRow_MatchesFiniteDifferences() =>
        CheckBinary("Multiply", DeepNet.Ops.Multiply, (a, b) => a * b, [5, 1], [1, 3]);

    [Test]
    public void Multiply_ScalarTensorOperand_GradientSumsEverything() =>
        CheckBinary("Multiply", DeepNet.Ops.Multiply, (a, b) => a * b, [2, 3], []);

    [Test]
    public void Divide_Broadcast_MatchesFiniteDifferences()
    {
        var rng = new Random(3);
        CheckBinary("Divide", DeepNet.Ops.Divide, (a, b) => a / b, [3, 4], [4],
            [GradientCheck.Uniform(rng, 12), GradientCheck.AwayFromZero(rng, 4, 0.5, 2)]);
    }

    [Test]
    public void Maximum_TensorTensor_GradientGoesToLarger() =>
        CheckBinary("Maximum", DeepNet.Ops.Maximum, Math.Max, [3, 4], [4]);

    [Test]
    public void Minimum_TensorTensor_GradientGoesToSmaller() =>
        CheckBinary("Minimum", DeepNet.Ops.Minimum, Math.Min, [2, 3], [2, 1]);

    [Test]
    public void Power_TensorExponent_MatchesFiniteDifferences()
    {
        var rng = new Random(4);
        CheckBinary("Power", DeepNet.Ops.Power, Math.Pow, [2, 3], [3],
            [GradientCheck.Uniform(rng, 6, 0.5, 2), GradientCheck.Uniform(rng, 3, -1.5, 1.5)]);
    }

    [Test]
    public void Maximum_TiedValues_GradientGoesToFirstOperand()
    {
        using var scope = Memory.TensorScope.Begin();
        var a = Tensor.FromArray(new float[] { 1, 2, 3 });
        var b = Tensor.FromArray(new float[] { 1, 5, 0 });
        using var tape = new DeepNet.Autograd.GradientTape();
        var y = DeepNet.Ops.Maximum(a, b);
        var g = tape.Gradient(y, a, b);
        Assert.That(g[0].ToArray(), Is.EqualTo(new float[] { 1, 0, 1 }));
        Assert.That(g[1].ToArray(), Is.EqualTo(new float[] { 0, 1, 0 }));
    }

    [Test]
    public void ScalarOps_AddSubtractMultiplyDivide_MatchFiniteDifferences()
    {
        CheckUnary("Add(x, 2.5)", x => DeepNet.Ops.Add(x, 2.5f), v => v + 2.5, [3, 2]);
        CheckUnary("Add(2.5, x)", x => DeepNet.Ops.Add(2.5f, x), v => v + 2.5, [3]);
        CheckUnary("Subtract(x, 1.5)", x => DeepNet.Ops.Subtract(x, 1.5f), v => v - 1.5, [4]);
        CheckUnary("Subtract(1.5, x)", x => DeepNet.Ops.Subtract(1.5f, x), v => 1.5 - v, [2, 2]);
        CheckUnary("Multiply(x, -3)", x => DeepNet.Ops.Multiply(x, -3f), v => -3 * v, [5]);
        CheckUnary("Divide(x, 4)", x => DeepNet.Ops.Divide(x, 4f), v => v / 4, [5]);
        CheckUnary("Divide(2, x)", x => DeepNet.Ops.Divide(2f, x), v => 2 / v, [6], GradientCheck.AwayFromZero(new Random(5), 6, 0.5, 2));
        CheckUnary("Affine", x => DeepNet.Ops.Affine(x, 0.5f, -1f), v => 0.5 * v - 1, [3]);
    }

    [Test]
    public void Negate_MatchesFiniteDifferences() => CheckUnary("Negate", DeepNet.Ops.Negate, v => -v, [2, 3]);

    [Test]
    public void Abs_AwayFromZero_MatchesFiniteDifferences() =>
        CheckUnary("Abs", DeepNet.Ops.Abs, Math.Abs, [7], GradientCheck.AwayFromZero(new Random(6), 7));

    [Test]
    public void Square_MatchesFiniteDifferences() => CheckUnary("Square", DeepNet.Ops.Square, v => v * v, [3, 3]);

    [Test]
    public void Sqrt_PositiveInput_MatchesFiniteDifferences() =>
        CheckUnary("Sqrt", DeepNet.Ops.Sqrt, Math.Sqrt, [5], GradientCheck.Uniform(new Random(7), 5, 0.3, 3));

    [Test]
    public void Rsqrt_PositiveInput_MatchesFiniteDifferences() =>
        CheckUnary("Rsqrt", DeepNet.Ops.Rsqrt, v => 1 / Math.Sqrt(v), [5], GradientCheck.Uniform(new Random(8), 5, 0.3, 3));

    [Test]
    public void Exp_MatchesFiniteDifferences() => CheckUnary("Exp", DeepNet.Ops.Exp, Math.Exp, [2, 4]);

    [Test]
    public void Log_PositiveInput_MatchesFiniteDifferences() =>
        CheckUnary("Log", DeepNet.Ops.Log, Math.Log, [6], GradientCheck.Uniform(new Random(9), 6, 0.3, 3));

    [Test]
    public void Log1p_MatchesFiniteDifferences() =>
        CheckUnary("Log1p", DeepNet.Ops.Log1p, v => Math.Log(1 + v), [6], GradientCheck.Uniform(new Random(10), 6, -0.5, 2));

    [Test]
    public void Reciprocal_AwayFromZero_MatchesFiniteDifferences() =>
        CheckUnary("Reciprocal", DeepNet.Ops.Reciprocal, v => 1 / v, [6], GradientCheck.AwayFromZero(new Random(11), 6, 0.5, 2));

    [Test]
    public void Pow_ScalarExponents_MatchFiniteDifferences()
    {
        var positive = GradientCheck.Uniform(new Random(12), 6, 0.3, 2);
        CheckUnary("Pow(x, 3)", x => DeepNet.Ops.Pow(x, 3f), v => v * v * v, [6]);
        CheckUnary("Pow(x, 0.5)", x => DeepNet.Ops.Pow(x, 0.5f), Math.Sqrt, [6], positive);
        CheckUnary("Pow(x, -1.5)", x => DeepNet.Ops.Pow(x, -1.5f), v => Math.Pow(v, -1.5), [6], positive);
    }

    [Test]
    public void Clip_GradientZeroOutsideRange() =>
        CheckUnary("Clip", x => DeepNet.Ops.Clip(x, -0.4f, 0.3f), v => Math.Clamp(v, -0.4, 0.3), [4, 5]);

    [Test]
    public void MaximumMinimum_Scalar_MatchFiniteDifferences()
    {
        CheckUnary("Maximum(x, 0.1)", x => DeepNet.Ops.Maximum(x, 0.1f), v => Math.Max(v, 0.1), [10]);
        CheckUnary("Minimum(x, 0.1)", x => DeepNet.Ops.Minimum(x, 0.1f), v => Math.Min(v, 0.1), [10]);
    }

    [Test]
    public void SinCosErf_MatchFiniteDifferences()
    {
        CheckUnary("Sin", DeepNet.Ops.Sin, Math.Sin, [5]);
        CheckUnary("Cos", DeepNet.Ops.Cos, Math.Cos, [5]);
        CheckUnary("Erf", DeepNet.Ops.Erf, Erf, [5]);
    }

    [Test]
    public void Operators_ComposeLikeOps_MatchFiniteDifferences()
    {
        var rng = new Random(13);
        GradientCheck.Check("operators", x => (x[0] + x[1]) * 2f - x[0] / x[1] + (-x[0]) * (1f - x[1]) / 3f,
            x => Broadcast(x[0], [2, 3], x[1], [3], (a, b) => (a + b) * 2 - a / b + (-a) * (1 - b) / 3),
            [S(2, 3), S(3)], [GradientCheck.Uniform(rng, 6), GradientCheck.AwayFromZero(rng, 3, 0.5, 2)]);
    }

    [Test]
    public void SignFloorRound_AreConstantsToTheTape()
    {
        using var scope = Memory.TensorScope.Begin();
        var x = Tensor.FromArray(new float[] { -1.5f, 0.25f, 2.5f });
        using var tape = new DeepNet.Autograd.GradientTape(persistent: true);
        Assert.That(DeepNet.Ops.Sign(x).ToArray(), Is.EqualTo(new float[] { -1, 1, 1 }));
        Assert.That(DeepNet.Ops.Round(x).ToArray(), Is.EqualTo(new float[] { -2, 0, 2 }));
        var y = DeepNet.Ops.Add(DeepNet.Ops.Floor(x), DeepNet.Ops.Ceil(x));
        Assert.That(y.ToArray(), Is.EqualTo(new float[] { -3, 1, 5 }));
        Assert.That(tape.Gradient(y, x)[0].ToArray(), Is.All.EqualTo(0f));
    }

    [Test]
    public void Comparisons_ProduceFloatMasks()
    {
        using var scope = Memory.TensorScope.Begin();
        var a = Tensor.FromArray(new float[] { 1, 2, 3 });
        var b = Tensor.FromArray(new float[] { 2 }, S(1));
        Assert.That(DeepNet.Ops.Equal(a, b).ToArray(), Is.EqualTo(new float[] { 0, 1, 0 }));
        Assert.That(DeepNet.Ops.NotEqual(a, b).ToArray(), Is.EqualTo(new float[] { 1, 0, 1 }));
        Assert.That(DeepNet.Ops.Greater(a, b).ToArray(), Is.EqualTo(new float[] { 0, 0, 1 }));
        Assert.That(DeepNet.Ops.GreaterEqual(a, b).ToArray(), Is.EqualTo(new float[] { 0, 1, 1 }));
        Assert.That(DeepNet.Ops.Less(a, b).ToArray(), Is.EqualTo(new float[] { 1, 0, 0 }));
        Assert.That(DeepNet.Ops.LessEqual(a, b).ToArray(), Is.EqualTo(new float[] { 1, 1, 0 }));
    }

    [Test]
    public void Add_IncompatibleShapes_ThrowsNamingOpAndShapes()
    {
        using var scope = Memory.TensorScope.Begin();
        var a = Tensor.Zeros(S(2, 3));
        var b = Tensor.Zeros(S(4, 3));
        var e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.Add(a, b));
        Assert.That(e!.Message, Does.StartWith("Add:").And.Contain("(2, 3)").And.Contain("(4, 3)"));
    }

    [Test]
    public void Multiply_TensorsOnDifferentBackends_Throws()
    {
        using var scope = Memory.TensorScope.Begin();
        using var other = new CpuBackend();
        var a = Tensor.Zeros(S(3), backend: Backend.Cpu);
        var b = Tensor.Zeros(S(3), backend: other);
        var e = Assert.Throws<ArgumentException>(() => DeepNet.Ops.Multiply(a, b));
        Assert.That(e!.Message, Does.StartWith("Multiply:").And.Contain("different backends"));
    }

    [Test]
    public void Add_IntegerTensor_ThrowsNamingDType()
    {
        using var scope = Memory.TensorScope.Begin();
        var a = Tensor.FromArray(new[] { 1, 2 });
        var b = Tensor.Zeros(S(2));
        var e = Assert.Throws<ArgumentException>(() => DeepNet.Ops.Add(a, b));
        Assert.That(e!.Message, Does.Contain("int32"));
    }

    /// <summary>erf by its Maclaurin series (converges quickly for |x| ≤ 2).</summary>
    private static double Erf(double x)
    {
        double sum = 0, term = x;
        for (int n = 0; n < 60; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
