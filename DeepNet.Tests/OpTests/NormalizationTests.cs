using DeepNet.Memory;
using DeepNet.Tests.Autograd;

namespace DeepNet.Tests.OpTests;

public class NormalizationTests
{
    private const float Epsilon = 1e-3f;

    /// <summary>Batch statistics per channel over every axis but the last (biased variance).</summary>
    private static (double[] Mean, double[] Var) Moments(double[] x, int channels)
    {
        int rows = x.Length / channels;
        var mean = new double[channels];
        var variance = new double[channels];
        for (int r = 0; r < rows; r++) for (int c = 0; c < channels; c++) mean[c] += x[r * channels + c] / rows;
        for (int r = 0; r < rows; r++) for (int c = 0; c < channels; c++)
        {
            double d = x[r * channels + c] - mean[c];
            variance[c] += d * d / rows;
        }
        return (mean, variance);
    }

    private static double[] Normalize(double[] x, double[] gamma, double[] beta, double[] mean, double[] variance)
    {
        int channels = gamma.Length;
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int c = i % channels;
            y[i] = gamma[c] * (x[i] - mean[c]) / Math.Sqrt(variance[c] + Epsilon) + beta[c];
        }
        return y;
    }

    [TestCase(new[] { 5, 3 })]
    [TestCase(new[] { 2, 3, 2, 3 })]
    public void BatchNormTraining_MatchesFiniteDifferences(int[] shape)
    {
        int c = shape[^1];
        GradientCheck.Check($"BatchNormTraining x{new Shape(shape)}",
            x => DeepNet.Ops.BatchNormTraining(x[0], x[1], x[2], Epsilon).Y,
            x =>
            {
                var (mean, variance) = Moments(x[0], c);
                return Normalize(x[0], x[1], x[2], mean, variance);
            },
            [new Shape(shape), new Shape(c), new Shape(c)]);
    }

    [Test]
    public void BatchNormTraining_ReturnsBatchMeanAndBiasedVariance()
    {
        var rng = new Random(4);
        var x = GradientCheck.Uniform(rng, 24, -2, 3);
        var (mean, variance) = Moments(x, 4);
        using var scope = TensorScope.Begin();
        var result = DeepNet.Ops.BatchNormTraining(GradientCheck.ToTensor(x, new Shape(2, 3, 4)), Tensor.Ones(new Shape(4)), Tensor.Zeros(new Shape(4)));
        GradientCheck.AssertClose("BatchNormTraining mean", mean, result.Mean.ToArray(), 1e-4);
        GradientCheck.AssertClose("BatchNormTraining variance", variance, result.Variance.ToArray(), 1e-4);
    }

    [Test]
    public void BatchNormTraining_StatisticsDisposedBeforeGradient_GradientStillComputed()
    {
        var rng = new Random(6);
        using var scope = TensorScope.Begin();
        var x = GradientCheck.ToTensor(GradientCheck.Uniform(rng, 12), new Shape(4, 3));
        var gamma = Tensor.Ones(new Shape(3));
        var beta = Tensor.Zeros(new Shape(3));
        using var tape = new DeepNet.Autograd.GradientTape();
        var result = DeepNet.Ops.BatchNormTraining(x, gamma, beta);
        result.Mean.Dispose();
        result.Variance.Dispose();
        var g = tape.Gradient(DeepNet.Ops.Square(result.Y), gamma, beta);
        // Σ 2·ŷ·ŷ over rows = 2·rows·(σ²/(σ² + ε)) ≈ 8 per channel; Σ 2·ŷ = 0.
        Assert.That(g[0].ToArray(), Is.All.EqualTo(8f).Within(0.1f));
        Assert.That(g[1].ToArray(), Is.All.EqualTo(0f).Within(1e-4f));
    }

    [Test]
    public void BatchNormInference_GradientsOfXGammaBeta_MatchFiniteDifferences()
    {
        var rng = new Random(5);
        double[][] inputs =
        [
            GradientCheck.Uniform(rng, 12), GradientCheck.Uniform(rng, 3), GradientCheck.Uniform(rng, 3),
            GradientCheck.Uniform(rng, 3), GradientCheck.Uniform(rng, 3, 0.2, 2),
        ];
        GradientCheck.Check("BatchNormInference",
            x => DeepNet.Ops.BatchNormInference(x[0], x[1], x[2], x[3], x[4], Epsilon),
            x => Normalize(x[0], x[1], x[2], x[3], x[4]),
            [new Shape(4, 3), new Shape(3), new Shape(3), new Shape(3), new Shape(3)], inputs, wrt: [0, 1, 2]);
    }

    [Test]
    public void BatchNorm_GammaOfWrongShape_ThrowsNamingShapes()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(4, 3));
        var e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.BatchNormTraining(x, Tensor.Ones(new Shape(4)), Tensor.Zeros(new Shape(3))));
        Assert.That(e!.Message, Does.StartWith("BatchNormTraining:").And.Contain("(4,)").And.Contain("(4, 3)"));
    }

    [Test]
    public void LayerNorm_LastAxis_MatchesFiniteDifferences()
    {
        GradientCheck.Check("LayerNorm axis -1", x => DeepNet.Ops.LayerNorm(x[0], x[1], x[2], epsilon: Epsilon),
            x =>
            {
                var y = new double[x[0].Length];
                for (int r = 0; r < 3; r++)
                {
                    var row = x[0][(r * 5)..(r * 5 + 5)];
                    double mean = row.Average(), variance = row.Select(v => (v - mean) * (v - mean)).Average();
                    for (int c = 0; c < 5; c++) y[r * 5 + c] = (row[c] - mean) / Math.Sqrt(variance + Epsilon) * x[1][c] + x[2][c];
                }
                return y;
            },
            [new Shape(3, 5), new Shape(5), new Shape(5)]);
    }

    [Test]
    public void LayerNorm_TwoAxesNoBeta_MatchesFiniteDifferences()
    {
        GradientCheck.Check("LayerNorm axes (1, 2)", x => DeepNet.Ops.LayerNorm(x[0], x[1], null, [1, 2], Epsilon),
            x =>
            {
                var y = new double[x[0].Length];
                for (int b = 0; b < 2; b++)
                {
                    var block = x[0][(b * 12)..(b * 12 + 12)];
                    double mean = block.Average(), variance = block.Select(v => (v - mean) * (v - mean)).Average();
                    for (int i = 0; i < 12; i++) y[b * 12 + i] = (block[i] - mean) / Math.Sqrt(variance + Epsilon) * x[1][i];
                }
                return y;
            },
            [new Shape(2, 3, 4), new Shape(3, 4)]);
    }
}
