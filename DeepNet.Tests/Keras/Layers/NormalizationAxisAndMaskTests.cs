using DeepNet.Keras;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>GroupNormalization on axes other than the last, and BatchNormalization's mask argument.</summary>
public class NormalizationAxisAndMaskTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    /// <summary>
    /// Group normalization of a row-major array of <paramref name="shape"/> along <paramref name="axis"/>:
    /// per sample and group of consecutive channels, mean and biased variance over every cell of
    /// the sample in that group, then γ, β per channel.
    /// </summary>
    private static double[] GroupNormReference(double[] x, int[] shape, int axis, int groups, double[] gamma, double[] beta, double epsilon = 1e-3)
    {
        int n = shape[0], c = shape[axis], inner = 1, perSample = x.Length / n;
        for (int i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        int channelOf(int i) => i / inner % c;
        var y = new double[x.Length];
        for (int b = 0; b < n; b++)
            for (int g = 0; g < groups; g++)
            {
                var cells = Enumerable.Range(b * perSample, perSample).Where(i => channelOf(i) / (c / groups) == g).ToArray();
                double mean = cells.Average(i => x[i]);
                double variance = cells.Average(i => (x[i] - mean) * (x[i] - mean));
                foreach (int i in cells) y[i] = (x[i] - mean) / Math.Sqrt(variance + epsilon) * gamma[channelOf(i)] + beta[channelOf(i)];
            }
        return y;
    }

    [TestCase(new[] { 2, 6, 3, 2 }, 1, 3, TestName = "GroupNormalization_Axis1_MatchesFloat64Reference")]
    [TestCase(new[] { 1, 3, 4, 5 }, -2, 2, TestName = "GroupNormalization_AxisMinus2_Batch1_MatchesFloat64Reference")]
    [TestCase(new[] { 2, 3, 4 }, -1, -1, TestName = "GroupNormalization_GroupsMinus1IsInstanceNorm_MatchesFloat64Reference")]
    public void GroupNormalizationOnAxis(int[] input, int axis, int groups)
    {
        int positive = axis < 0 ? axis + input.Length : axis;
        int resolved = groups == -1 ? input[positive] : groups;
        var layer = new GroupNormalization(groups, axis);
        ConvolutionalLayerCheck.Check(TestContext.CurrentContext.Test.Name, layer, input, (x, w) => GroupNormReference(x, input, positive, resolved, w[0], w[1]));
        Assert.That(layer.Gamma!.Shape, Is.EqualTo(new Shape(input[positive])));
    }

    [Test]
    public void GroupNormalization_Axis1_HarnessAndConfig()
    {
        LayerHarness.Run(() => new GroupNormalization(2, axis: 1), [2, 4, 3], [2, 4, 3], 2);
        Assert.That(new GroupNormalization(2, axis: 1).GetConfig().Value<int>("axis"), Is.EqualTo(1));
    }

    [Test]
    public void GroupNormalization_BadGroupsOrAxis_Throw()
    {
        var more = Assert.Throws<ShapeMismatchException>(() => new GroupNormalization(8, axis: 1).EnsureBuilt(new KerasShape(null, 4, 3)));
        Assert.That(more!.Message, Does.Contain("cannot be more than"));
        Assert.Throws<ShapeMismatchException>(() => new GroupNormalization(3, axis: 1).EnsureBuilt(new KerasShape(null, 4, 3)));
        Assert.Throws<ArgumentException>(() => new GroupNormalization(2, axis: 3).EnsureBuilt(new KerasShape(null, 4, 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNormalization(0));
    }

    /// <summary>Batch statistics over the positions the (N, T) mask keeps, per channel of (N, T, C).</summary>
    private static double[] MaskedBatchNormReference(double[] x, int[] s, float[] mask, double[] gamma, double[] beta, double epsilon = 1e-3)
    {
        int c = s[2], positions = s[0] * s[1];
        var y = new double[x.Length];
        for (int ch = 0; ch < c; ch++)
        {
            double kept = 0, sum = 0;
            for (int p = 0; p < positions; p++) { kept += mask[p]; sum += mask[p] * x[p * c + ch]; }
            double mean = sum / (kept + 1e-7), squares = 0;
            for (int p = 0; p < positions; p++) squares += mask[p] * (x[p * c + ch] - mean) * (x[p * c + ch] - mean);
            double variance = squares / (kept + 1e-7);
            for (int p = 0; p < positions; p++) y[p * c + ch] = (x[p * c + ch] - mean) / Math.Sqrt(variance + epsilon) * gamma[ch] + beta[ch];
        }
        return y;
    }

    [Test]
    public void BatchNormalization_MaskInTraining_UsesKeptPositionsOnly()
    {
        int[] input = [3, 4, 2];
        float[] mask = [1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 1];
        var layer = new BatchNormalization();
        ConvolutionalLayerCheck.Check("BatchNormalization masked", layer, input, (x, w) => MaskedBatchNormReference(x, input, mask, w[0], w[1]),
            training: true, mask: mask);
    }

    [Test]
    public void BatchNormalization_MaskInTraining_MovesStatisticsTowardsMaskedMoments()
    {
        var x = Tensor.FromArray(new[] { 1f, 10f, 3f, 20f, 100f, -50f, 5f, 30f }, new Shape(2, 2, 2));
        var mask = Tensor.FromArray(new[] { 1f, 1f, 0f, 1f }, new Shape(2, 2));
        var layer = new BatchNormalization(momentum: 0.5f);
        layer.EnsureBuilt(KerasShape.Of(x.Shape));
        layer.Call(x, training: true, mask: mask);
        // Kept rows: (1, 10), (3, 20), (5, 30): means (3, 20), biased variances (8/3, 200/3).
        Assert.That(layer.MovingMean!.ToArray(), Is.EqualTo(new[] { 0.5 * 3, 0.5 * 20 }).Within(1e-4));
        Assert.That(layer.MovingVariance!.ToArray(), Is.EqualTo(new[] { 0.5 + 0.5 * 8 / 3.0, 0.5 + 0.5 * 200 / 3.0 }).Within(1e-3));
    }

    [Test]
    public void BatchNormalization_MaskAtInference_IsIgnoredAndPassedOn()
    {
        var x = KerasTestUtil.Random(3, 2, 3, 4);
        var mask = Tensor.FromArray(new[] { 1f, 0f, 1f, 1f, 1f, 0f }, new Shape(2, 3));
        var layer = new BatchNormalization();
        layer.EnsureBuilt(KerasShape.Of(x.Shape));
        Assert.That(layer.Call(x, training: false, mask: mask).ToArray(), Is.EqualTo(layer.Call(x).ToArray()));
        Assert.That(layer.SupportsMasking, Is.True);
        Assert.That(layer.ComputeMask(x, mask), Is.SameAs(mask));
    }

    [Test]
    public void BatchNormalization_MaskOfWrongRank_Throws()
    {
        var layer = new BatchNormalization();
        var x = KerasTestUtil.Random(3, 2, 3, 4);
        layer.EnsureBuilt(KerasShape.Of(x.Shape));
        var e = Assert.Throws<ShapeMismatchException>(() => layer.Call(x, training: true, mask: Tensor.Ones(new Shape(2, 3, 4))));
        Assert.That(e!.Message, Does.Contain("(2, 3, 4)"));
    }
}
