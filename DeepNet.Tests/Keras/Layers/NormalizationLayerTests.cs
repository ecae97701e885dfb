using DeepNet.Backends.Cpu.Reference;
using DeepNet.Keras;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Layers;

public class NormalizationLayerTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    private static (double[] Mean, double[] Variance) Moments(double[] x, int rows, int c)
    {
        var mean = new double[c];
        var variance = new double[c];
        for (int r = 0; r < rows; r++) for (int ch = 0; ch < c; ch++) mean[ch] += x[r * c + ch] / rows;
        for (int r = 0; r < rows; r++) for (int ch = 0; ch < c; ch++) variance[ch] += Math.Pow(x[r * c + ch] - mean[ch], 2) / rows;
        return (mean, variance);
    }

    /// <summary>y = γ(x − μ)/√(σ² + ε) + β per channel of the last axis.</summary>
    private static double[] Normalize(double[] x, int c, double[] gamma, double[] beta, double[] mean, double[] variance, double eps)
    {
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int ch = i % c;
            y[i] = gamma[ch] * (x[i] - mean[ch]) / Math.Sqrt(variance[ch] + eps) + beta[ch];
        }
        return y;
    }

    [TestCase(new[] { 4, 3 }, TestName = "BatchNormalization_TrainingRank2_MatchesFloat64Reference")]
    [TestCase(new[] { 2, 3, 5, 4 }, TestName = "BatchNormalization_TrainingNhwc_MatchesFloat64Reference")]
    [TestCase(new[] { 1, 3, 2 }, TestName = "BatchNormalization_TrainingBatch1_MatchesFloat64Reference")]
    public void BatchNormalization_Training_ForwardAndGradients(int[] input)
    {
        int c = input[^1], rows = (int)(new Shape(input).Size / c);
        ConvolutionalLayerCheck.Check(TestContext.CurrentContext.Test.Name, new BatchNormalization(), input, (x, w) =>
        {
            var (mean, variance) = Moments(x, rows, c);
            return Normalize(x, c, w[0], w[1], mean, variance, 1e-3);
        }, training: true);
    }

    [Test]
    public void BatchNormalization_Inference_UsesMovingStatistics()
    {
        int[] input = [3, 4, 5];
        ConvolutionalLayerCheck.Check("BatchNormalization inference", new BatchNormalization(epsilon: 0.01f), input, (x, w) =>
            Normalize(x, 5, w[0], w[1], w[2], w[3], 0.01f));
    }

    [Test]
    public void BatchNormalization_AxisOne_NormalizesChannelsFirst()
    {
        int[] input = [2, 3, 4, 2];
        var layer = new BatchNormalization(axis: 1);
        ConvolutionalLayerCheck.Check("BatchNormalization axis 1", layer, input, (x, w) =>
        {
            var last = ConvolutionalLayerCheck.ToChannelsLast(x, input);
            var (mean, variance) = Moments(last, 16, 3);
            return ConvolutionalLayerCheck.ToChannelsFirst(Normalize(last, 3, w[0], w[1], mean, variance, 1e-3), [2, 4, 2, 3]);
        }, training: true);
        Assert.That(layer.Gamma!.Shape, Is.EqualTo(new Shape(3)));
    }

    [Test]
    public void BatchNormalization_AxisList_KeepsBothAxes()
    {
        int[] input = [3, 2, 4, 3];
        var layer = new BatchNormalization(axis: [1, 3]);
        ConvolutionalLayerCheck.Check("BatchNormalization axis [1, 3]", layer, input, (x, w) =>
        {
            // Channel (a, c) of x (N, A, B, C): move to (N, B, A·C), normalise per column.
            int n = 3, a = 2, b = 4, c = 3;
            var moved = new double[x.Length];
            for (int i0 = 0; i0 < n; i0++) for (int i1 = 0; i1 < a; i1++) for (int i2 = 0; i2 < b; i2++) for (int i3 = 0; i3 < c; i3++)
                moved[((i0 * b + i2) * a + i1) * c + i3] = x[((i0 * a + i1) * b + i2) * c + i3];
            var (mean, variance) = Moments(moved, n * b, a * c);
            var y = Normalize(moved, a * c, w[0], w[1], mean, variance, 1e-3);
            var back = new double[x.Length];
            for (int i0 = 0; i0 < n; i0++) for (int i1 = 0; i1 < a; i1++) for (int i2 = 0; i2 < b; i2++) for (int i3 = 0; i3 < c; i3++)
                back[((i0 * a + i1) * b + i2) * c + i3] = y[((i0 * b + i2) * a + i1) * c + i3];
            return back;
        }, training: true);
        Assert.That(layer.Gamma!.Shape, Is.EqualTo(new Shape(1, 2, 1, 3)));
        Assert.That(layer.GetConfig()["axis"]!.ToString(Newtonsoft.Json.Formatting.None), Is.EqualTo("[1,3]"));
    }

    [Test]
    public void BatchNormalization_Training_UpdatesMovingStatistics_AsKeras()
    {
        var layer = new BatchNormalization(momentum: 0.9f);
        var x = KerasTestUtil.Random(5, 6, 3);
        layer.EnsureBuilt(KerasShape.Of(x.Shape));
        float[] m0 = [0.5f, -0.25f, 1f], v0 = [2f, 0.5f, 1.5f];
        layer.MovingMean!.Assign(m0);
        layer.MovingVariance!.Assign(v0);
        var (mean, variance) = Moments(Array.ConvertAll(x.ToArray(), v => (double)v), 6, 3);

        layer.Apply(x, training: false);
        KerasTestUtil.AssertClose(layer.MovingMean.ToArray(), m0, 0, 0);

        layer.Apply(x, training: true);
        var expectedMean = Enumerable.Range(0, 3).Select(i => m0[i] * 0.9 + mean[i] * 0.1).ToArray();
        var expectedVar = Enumerable.Range(0, 3).Select(i => v0[i] * 0.9 + variance[i] * 0.1).ToArray();
        KerasTestUtil.AssertClose(layer.MovingMean.ToArray(), expectedMean, 1e-6, 1e-5);
        KerasTestUtil.AssertClose(layer.MovingVariance.ToArray(), expectedVar, 1e-6, 1e-5);
    }

    [Test]
    public void BatchNormalization_NotTrainable_RunsInInferenceMode()
    {
        var layer = new BatchNormalization();
        var x = KerasTestUtil.Random(6, 5, 2);
        layer.EnsureBuilt(KerasShape.Of(x.Shape));
        layer.MovingMean!.Assign([0.25f, -0.5f]);
        layer.MovingVariance!.Assign([1.5f, 0.75f]);
        layer.Trainable = false;
        var frozen = layer.Apply(x, training: true).ToArray();
        var inference = layer.Apply(x, training: false).ToArray();
        KerasTestUtil.AssertClose(frozen, inference, 0, 0);
        KerasTestUtil.AssertClose(layer.MovingMean.ToArray(), new[] { 0.25f, -0.5f }, 0, 0);
        Assert.That(layer.TrainableWeights, Is.Empty);
        Assert.That(layer.NonTrainableWeights, Has.Count.EqualTo(4));
    }

    [Test]
    public void BatchNormalization_FitOnFrozenLayer_LeavesEveryWeight()
    {
        var input = KerasApi.Input([3]);
        var bn = new BatchNormalization { Trainable = false };
        var output = new Dense(1).Apply(bn.Apply(input));
        var model = new Model([input], [output]);
        model.Compile(optimizer: "sgd", loss: "mse");
        var before = bn.GetWeightArrays();
        model.TrainOnBatch([KerasTestUtil.Random(1, 8, 3)], [KerasTestUtil.Random(2, 8, 1)]);
        var after = bn.GetWeightArrays();
        for (int i = 0; i < before.Length; i++) KerasTestUtil.AssertClose(after[i], before[i], 0, 0);
    }

    [Test]
    public void BatchNormalization_NoCenterNoScale_HasOnlyMovingStatistics()
    {
        var layer = new BatchNormalization(center: false, scale: false);
        layer.EnsureBuilt(new KerasShape(null, 4));
        Assert.That(layer.Weights.Select(w => w.Name), Is.EqualTo(new[] { "moving_mean", "moving_variance" }));
        ConvolutionalLayerCheck.Check("BatchNormalization no center/scale", new BatchNormalization(center: false, scale: false), [5, 4], (x, _) =>
        {
            var (mean, variance) = Moments(x, 5, 4);
            return Normalize(x, 4, [1, 1, 1, 1], [0, 0, 0, 0], mean, variance, 1e-3);
        }, training: true);
    }

    [Test]
    public void BatchNormalization_WeightOrder_IsGammaBetaMovingMeanMovingVariance()
    {
        var layer = new BatchNormalization();
        layer.EnsureBuilt(new KerasShape(null, 5, 5, 7));
        Assert.That(layer.Weights.Select(w => w.Name), Is.EqualTo(new[] { "gamma", "beta", "moving_mean", "moving_variance" }));
        Assert.That(layer.Weights.Select(w => w.Shape), Is.All.EqualTo(new Shape(7)));
        Assert.That(layer.Gamma!.ToArray(), Is.All.EqualTo(1f));
        Assert.That(layer.MovingVariance!.ToArray(), Is.All.EqualTo(1f));
    }

    [Test]
    public void BatchNormalizationDefaultConfig_MatchesKeras3() =>
        ConvolutionalConfigAssert.MatchesKeras(new BatchNormalization(),
            """{"axis":-1,"momentum":0.99,"epsilon":0.001,"center":true,"scale":true,"beta_initializer":"Zeros","gamma_initializer":"Ones","moving_mean_initializer":"Zeros","moving_variance_initializer":"Ones","beta_regularizer":null,"gamma_regularizer":null,"beta_constraint":null,"gamma_constraint":null,"synchronized":false}""");

    [Test]
    public void BatchNormalization_Keras2Config_WithAxisList_Reads()
    {
        var config = Newtonsoft.Json.Linq.JObject.Parse("""{"name":"bn","trainable":true,"dtype":"float32","axis":[3],"momentum":0.9,"epsilon":1e-5,"center":true,"scale":false}""");
        var layer = (BatchNormalization)Layer.FromConfig("BatchNormalization", config);
        Assert.That(layer.Axis, Is.EqualTo(new[] { 3 }));
        Assert.That(layer.Momentum, Is.EqualTo(0.9f));
        Assert.That(layer.Scale, Is.False);
        config["renorm"] = true;
        Assert.Throws<NotSupportedException>(() => Layer.FromConfig("BatchNormalization", config));
    }

    [Test]
    public void BatchNormalization_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNormalization(momentum: 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNormalization(epsilon: 0f));
        Assert.Throws<ArgumentException>(() => new BatchNormalization(axis: [1, 1]));
        Assert.Throws<ArgumentException>(() => new BatchNormalization(axis: 0).EnsureBuilt(new KerasShape(null, 3)));
        Assert.Throws<ArgumentException>(() => new BatchNormalization(axis: 4).EnsureBuilt(new KerasShape(null, 3, 3)));
        var layer = new BatchNormalization();
        layer.Apply(KerasTestUtil.Random(1, 2, 3));
        Assert.Throws<ShapeMismatchException>(() => layer.Apply(KerasTestUtil.Random(1, 2, 4)));
    }

    private static IEnumerable<TestCaseData> HarnessCases()
    {
        yield return Case("BatchNormalization", () => new BatchNormalization(), [4, 3], [4, 3], 2, 2);
        yield return Case("BatchNormalization_Nhwc", () => new BatchNormalization(momentum: 0.9f, epsilon: 1e-5f), [2, 3, 3, 4], [2, 3, 3, 4], 2, 2);
        yield return Case("BatchNormalization_AxisListNoScale", () => new BatchNormalization(axis: [1, 2], scale: false), [2, 3, 4, 2], [2, 3, 4, 2], 1, 2);
    }

    private static TestCaseData Case(string name, Func<Layer> make, int[] input, int[] output, int trainable, int nonTrainable) =>
        new TestCaseData(make, input, output, trainable, nonTrainable).SetName($"LayerHarness_{name}");

    [TestCaseSource(nameof(HarnessCases))]
    public void Harness(Func<Layer> make, int[] input, int[] output, int trainable, int nonTrainable) =>
        LayerHarness.Run(make, input, output, trainable, nonTrainable);
}
