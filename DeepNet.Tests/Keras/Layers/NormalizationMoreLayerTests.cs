using DeepNet.Keras;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Layers;

public class NormalizationMoreLayerTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    /// <summary>Per row of c values: (x − mean)/√(var + ε)·γ + β.</summary>
    private static double[] LayerNormRows(double[] x, int c, double[]? gamma, double[]? beta, double eps)
    {
        var y = new double[x.Length];
        for (int r = 0; r < x.Length / c; r++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < c; i++) mean += x[r * c + i] / c;
            for (int i = 0; i < c; i++) variance += Math.Pow(x[r * c + i] - mean, 2) / c;
            for (int i = 0; i < c; i++)
                y[r * c + i] = (x[r * c + i] - mean) / Math.Sqrt(variance + eps) * (gamma?[i] ?? 1) + (beta?[i] ?? 0);
        }
        return y;
    }

    [TestCase(new[] { 3, 5 }, TestName = "LayerNormalization_Rank2_MatchesFloat64Reference")]
    [TestCase(new[] { 2, 3, 4 }, TestName = "LayerNormalization_Rank3_MatchesFloat64Reference")]
    [TestCase(new[] { 1, 1 }, TestName = "LayerNormalization_Size1_MatchesFloat64Reference")]
    public void LayerNormalization_LastAxis(int[] input) =>
        ConvolutionalLayerCheck.Check(TestContext.CurrentContext.Test.Name, new LayerNormalization(), input, (x, w) => LayerNormRows(x, input[^1], w[0], w[1], 1e-3));

    [Test]
    public void LayerNormalization_TwoTrailingAxes_MatchesFloat64Reference()
    {
        var layer = new LayerNormalization(axis: [1, 2], epsilon: 1e-2f);
        ConvolutionalLayerCheck.Check("LayerNormalization axes [1, 2]", layer, [2, 3, 4], (x, w) => LayerNormRows(x, 12, w[0], w[1], 1e-2));
        Assert.That(layer.Gamma!.Shape, Is.EqualTo(new Shape(3, 4)));
    }

    [Test]
    public void LayerNormalization_NoCenterNoScale_HasNoWeights()
    {
        var layer = new LayerNormalization(center: false, scale: false);
        ConvolutionalLayerCheck.Check("LayerNormalization plain", layer, [3, 4], (x, _) => LayerNormRows(x, 4, null, null, 1e-3));
        Assert.That(layer.Weights, Is.Empty);
    }

    [Test]
    public void UnitNormalization_MatchesFloat64Reference()
    {
        ConvolutionalLayerCheck.Check("UnitNormalization", new UnitNormalization(), [3, 4], (x, _) =>
        {
            var y = new double[x.Length];
            for (int r = 0; r < 3; r++)
            {
                double s = 0;
                for (int i = 0; i < 4; i++) s += x[r * 4 + i] * x[r * 4 + i];
                for (int i = 0; i < 4; i++) y[r * 4 + i] = x[r * 4 + i] / Math.Sqrt(Math.Max(s, 1e-12));
            }
            return y;
        });
    }

    [Test]
    public void LayerNormalizationDefaultConfig_MatchesKeras3() =>
        ConvolutionalConfigAssert.MatchesKeras(new LayerNormalization(),
            """{"axis":-1,"epsilon":0.001,"center":true,"scale":true,"rms_scaling":false,"beta_initializer":"Zeros","gamma_initializer":"Ones","beta_regularizer":null,"gamma_regularizer":null,"beta_constraint":null,"gamma_constraint":null}""");

    [Test]
    public void UnitNormalizationDefaultConfig_MatchesKeras3() =>
        ConvolutionalConfigAssert.MatchesKeras(new UnitNormalization(), """{"axis":-1}""");

    [Test]
    public void LayerNormalization_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LayerNormalization(epsilon: -1f));
        Assert.Throws<ArgumentException>(() => new LayerNormalization(axis: [3]).EnsureBuilt(new KerasShape(null, 3)));
        Assert.Throws<ArgumentException>(() => new UnitNormalization(axis: []));
    }

    [Test]
    public void GroupNormalization_MatchesFloat64Reference()
    {
        int[] input = [2, 3, 2, 6];
        ConvolutionalLayerCheck.Check("GroupNormalization", new GroupNormalization(groups: 3), input, (x, w) =>
        {
            // Per sample and group of 2 channels: statistics over the 3·2 positions and both channels.
            var y = new double[x.Length];
            for (int n = 0; n < 2; n++)
                for (int g = 0; g < 3; g++)
                {
                    var idx = new List<int>();
                    for (int p = 0; p < 6; p++) for (int k = 0; k < 2; k++) idx.Add((n * 6 + p) * 6 + g * 2 + k);
                    double mean = idx.Average(i => x[i]);
                    double variance = idx.Average(i => Math.Pow(x[i] - mean, 2));
                    foreach (int i in idx) y[i] = (x[i] - mean) / Math.Sqrt(variance + 1e-3) * w[0][i % 6] + w[1][i % 6];
                }
            return y;
        });
    }

    [Test]
    public void GroupNormalizationDefaultConfig_MatchesKeras3() =>
        ConvolutionalConfigAssert.MatchesKeras(new GroupNormalization(),
            """{"groups":32,"axis":-1,"epsilon":0.001,"center":true,"scale":true,"beta_initializer":"Zeros","gamma_initializer":"Ones","beta_regularizer":null,"gamma_regularizer":null,"beta_constraint":null,"gamma_constraint":null}""");

    [Test]
    public void GroupNormalization_ChannelsNotDivisible_Throws() =>
        Assert.Throws<ShapeMismatchException>(() => new GroupNormalization(groups: 4).EnsureBuilt(new KerasShape(null, 3, 6)));

    private static IEnumerable<TestCaseData> HarnessCases()
    {
        yield return new TestCaseData(new Func<Layer>(() => new LayerNormalization()), new[] { 2, 3, 4 }, 2).SetName("LayerHarness_LayerNormalization");
        yield return new TestCaseData(new Func<Layer>(() => new LayerNormalization(axis: [1, 2], rmsScaling: true)), new[] { 2, 3, 4 }, 1).SetName("LayerHarness_LayerNormalization_RmsScaling");
        yield return new TestCaseData(new Func<Layer>(() => new UnitNormalization()), new[] { 2, 3 }, 0).SetName("LayerHarness_UnitNormalization");
        yield return new TestCaseData(new Func<Layer>(() => new GroupNormalization(groups: 2)), new[] { 2, 3, 4 }, 2).SetName("LayerHarness_GroupNormalization");
    }

    [TestCaseSource(nameof(HarnessCases))]
    public void Harness(Func<Layer> make, int[] input, int trainable) =>
        LayerHarness.Run(make, input, input, trainable, 0, fitStep: trainable > 0);
}
