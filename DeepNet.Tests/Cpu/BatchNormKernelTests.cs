using DeepNet.Backends.Cpu;
using DeepNet.Backends.Cpu.Reference;

namespace DeepNet.Tests.Cpu;

/// <summary>CPU batch normalization against the float64 formulas in <see cref="ReferenceBatchNorm"/>.</summary>
public class BatchNormKernelTests
{
    private static readonly CpuBackend Cpu = new(threads: 2);
    private const float Epsilon = 1e-3f;

    /// <summary>x shapes: rows × C with C last; row counts span one block, several blocks and several slabs.</summary>
    public static readonly int[][] Shapes =
    [
        [1, 1],
        [3, 5],
        [7, 1, 1, 13],
        [3, 5, 7, 4],
        [2, 13, 13, 17],
        [5000, 3],
    ];

    private sealed record Data(double[] X, double[] Gamma, double[] Beta, int Rows, int C);

    private static Data MakeData(int[] shape, int seed, double offset = 0)
    {
        var rng = new Random(seed);
        int c = shape[^1], rows = 1;
        for (int i = 0; i < shape.Length - 1; i++) rows *= shape[i];
        var x = ConvTestData.Random(rng, rows * c);
        for (int i = 0; i < x.Length; i++) x[i] = (float)(x[i] * (1 + i % c) + offset);
        var gamma = ConvTestData.Random(rng, c);
        var beta = ConvTestData.Random(rng, c);
        return new Data(x, gamma, beta, rows, c);
    }

    /// <summary>The training kernel on <paramref name="d"/>: y and the batch mean and variance.</summary>
    private static (float[] Y, float[] Mean, float[] Variance) Training(Data d, int[] shape)
    {
        using var x = ConvTestData.Upload(Cpu, d.X, shape);
        using var gamma = ConvTestData.Upload(Cpu, d.Gamma, d.C);
        using var beta = ConvTestData.Upload(Cpu, d.Beta, d.C);
        using var y = ConvTestData.Garbage(Cpu, shape);
        using var mean = ConvTestData.Garbage(Cpu, d.C);
        using var variance = ConvTestData.Garbage(Cpu, d.C);
        Cpu.BatchNormTraining(x, gamma, beta, Epsilon, y, mean, variance);
        return (y.ToArray(), mean.ToArray(), variance.ToArray());
    }

    [TestCaseSource(nameof(Shapes))]
    public void BatchNormTraining_MatchesFloat64Reference(int[] shape)
    {
        var d = MakeData(shape, 31);
        var (y, mean, variance) = Training(d, shape);

        var expected = ReferenceBatchNorm.Training(d.X, d.Rows, d.C, d.Gamma, d.Beta, Epsilon);
        ConvTestData.AssertClose(mean, expected.Mean, "mean", 1e-6, 1e-5);
        ConvTestData.AssertClose(variance, expected.Variance, "variance", 1e-6, 1e-5);
        ConvTestData.AssertClose(y, expected.Y, "y");
    }

    [Test]
    public void BatchNormTraining_LargeMean_VarianceStaysAccurate()
    {
        // |mean| ≫ std: a one-pass E[x²] − E[x]² in float would lose the variance entirely.
        int[] shape = [4096, 3];
        var d = MakeData(shape, 32, offset: 1000);
        var (y, _, variance) = Training(d, shape);

        var expected = ReferenceBatchNorm.Training(d.X, d.Rows, d.C, d.Gamma, d.Beta, Epsilon);
        ConvTestData.AssertClose(variance, expected.Variance, "variance", 1e-6, 1e-4);
        ConvTestData.AssertClose(y, expected.Y, "y", 1e-3, 1e-3);
    }

    [TestCaseSource(nameof(Shapes))]
    public void BatchNormInference_MatchesFloat64Reference(int[] shape)
    {
        var d = MakeData(shape, 33);
        var rng = new Random(34);
        var mean = ConvTestData.Random(rng, d.C);
        var variance = ConvTestData.Random(rng, d.C);
        for (int i = 0; i < d.C; i++) variance[i] = Math.Abs(variance[i]) + 0.1;
        using var x = ConvTestData.Upload(Cpu, d.X, shape);
        using var gamma = ConvTestData.Upload(Cpu, d.Gamma, d.C);
        using var beta = ConvTestData.Upload(Cpu, d.Beta, d.C);
        using var tMean = ConvTestData.Upload(Cpu, mean, d.C);
        using var tVariance = ConvTestData.Upload(Cpu, variance, d.C);
        using var y = ConvTestData.Garbage(Cpu, shape);

        Cpu.BatchNormInference(x, gamma, beta, tMean, tVariance, Epsilon, y);

        var expected = ReferenceBatchNorm.Normalize(d.X, d.Rows, d.C, d.Gamma, d.Beta, mean, variance, Epsilon);
        ConvTestData.AssertClose(y.ToArray(), expected, "y");
    }

    [TestCaseSource(nameof(Shapes))]
    public void BatchNormBackward_MatchesFloat64Reference(int[] shape)
    {
        var d = MakeData(shape, 35);
        var dy = ConvTestData.Random(new Random(36), d.X.Length);
        var (mean, variance) = ReferenceBatchNorm.Moments(d.X, d.Rows, d.C);
        using var x = ConvTestData.Upload(Cpu, d.X, shape);
        using var tdy = ConvTestData.Upload(Cpu, dy, shape);
        using var gamma = ConvTestData.Upload(Cpu, d.Gamma, d.C);
        using var tMean = ConvTestData.Upload(Cpu, mean, d.C);
        using var tVariance = ConvTestData.Upload(Cpu, variance, d.C);
        using var dx = ConvTestData.Garbage(Cpu, shape);
        using var dGamma = ConvTestData.Garbage(Cpu, d.C);
        using var dBeta = ConvTestData.Garbage(Cpu, d.C);

        Cpu.BatchNormBackward(x, tdy, gamma, tMean, tVariance, Epsilon, dx, dGamma, dBeta);

        // Mean and variance went through float, so the reference uses the same rounded values.
        var expected = ReferenceBatchNorm.Backward(d.X, dy, d.Rows, d.C, d.Gamma, Floats(mean), Floats(variance), Epsilon);
        ConvTestData.AssertClose(dBeta.ToArray(), expected.DBeta, "dBeta", 1e-4, 1e-4);
        ConvTestData.AssertClose(dGamma.ToArray(), expected.DGamma, "dGamma", 1e-4, 1e-4);
        ConvTestData.AssertClose(dx.ToArray(), expected.Dx, "dx", 1e-4, 1e-3);
    }

    /// <summary>The reference backward is checked against central differences of the reference forward, all in double.</summary>
    [Test]
    public void ReferenceBatchNormBackward_MatchesFiniteDifferences()
    {
        var d = MakeData([6, 3], 37);
        var dy = ConvTestData.Random(new Random(38), d.X.Length);
        const double eps = 1e-3, h = 1e-6;
        double Loss(double[] x, double[] gamma, double[] beta)
        {
            var y = ReferenceBatchNorm.Training(x, d.Rows, d.C, gamma, beta, eps).Y;
            double sum = 0;
            for (int i = 0; i < y.Length; i++) sum += y[i] * dy[i];
            return sum;
        }
        var (mean, variance) = ReferenceBatchNorm.Moments(d.X, d.Rows, d.C);
        var analytic = ReferenceBatchNorm.Backward(d.X, dy, d.Rows, d.C, d.Gamma, mean, variance, eps);
        double L() => Loss(d.X, d.Gamma, d.Beta);

        for (int i = 0; i < d.X.Length; i++)
            Assert.That(analytic.Dx[i], Is.EqualTo(FiniteDifferences.Derivative(d.X, i, L, h)).Within(1e-6), $"dx[{i}]");
        for (int c = 0; c < d.C; c++)
        {
            Assert.That(analytic.DGamma[c], Is.EqualTo(FiniteDifferences.Derivative(d.Gamma, c, L, h)).Within(1e-6), $"dGamma[{c}]");
            Assert.That(analytic.DBeta[c], Is.EqualTo(FiniteDifferences.Derivative(d.Beta, c, L, h)).Within(1e-6), $"dBeta[{c}]");
        }
    }

    [Test]
    public void BatchNormTraining_GammaOfWrongLength_NamesShapes()
    {
        using var x = Tensor.Zeros(new Shape(4, 6), backend: Cpu);
        using var gamma = Tensor.Zeros(new Shape(5), backend: Cpu);
        using var beta = Tensor.Zeros(new Shape(6), backend: Cpu);
        using var y = Tensor.Zeros(new Shape(4, 6), backend: Cpu);
        using var mean = Tensor.Zeros(new Shape(6), backend: Cpu);
        using var variance = Tensor.Zeros(new Shape(6), backend: Cpu);

        var e = Assert.Throws<ShapeMismatchException>(() => Cpu.BatchNormTraining(x, gamma, beta, Epsilon, y, mean, variance));

        Assert.That(e!.Message, Does.Contain("BatchNormTraining").And.Contain("gamma").And.Contain("(5,)").And.Contain("(6,)").And.Contain("(4, 6)"));
    }

    [Test]
    public void BatchNormBackward_DxShapeDiffers_Throws()
    {
        using var x = Tensor.Zeros(new Shape(4, 6), backend: Cpu);
        using var dy = Tensor.Zeros(new Shape(4, 6), backend: Cpu);
        using var c6 = Tensor.Ones(new Shape(6), backend: Cpu);
        using var dx = Tensor.Zeros(new Shape(6, 4), backend: Cpu);
        using var dGamma = Tensor.Zeros(new Shape(6), backend: Cpu);
        using var dBeta = Tensor.Zeros(new Shape(6), backend: Cpu);

        var e = Assert.Throws<ShapeMismatchException>(() => Cpu.BatchNormBackward(x, dy, c6, c6, c6, Epsilon, dx, dGamma, dBeta));

        Assert.That(e!.Message, Does.Contain("(6, 4)").And.Contain("(4, 6)"));
    }

    private static double[] Floats(double[] v)
    {
        var r = new double[v.Length];
        for (int i = 0; i < v.Length; i++) r[i] = (float)v[i];
        return r;
    }
}
