using DeepNet.Keras.Metrics;
using DeepNet.Tests.Keras.Losses;
using static DeepNet.Tests.Keras.LeafTestData;

namespace DeepNet.Tests.Keras.Metrics;

/// <summary>Mean, the loss tracker, and the metrics that average a per-sample loss.</summary>
public class MeanMetricTests
{
    [Test]
    public void Mean_ScalarUpdatesWithWeights_IsTheWeightedMean()
    {
        var mean = new Mean();
        mean.UpdateState(2.0, 32);
        mean.UpdateState(1.0, 8);
        Assert.That(mean.Result(), Is.EqualTo((2.0 * 32 + 1.0 * 8) / 40).Within(1e-15));
        Assert.That((mean.Total, mean.Count), Is.EqualTo((72.0, 40.0)));
        mean.ResetState();
        Assert.That(mean.Result(), Is.EqualTo(0.0));
    }

    [Test]
    public void Mean_TensorValuesOfRank2_AreAveragedPerSampleThenWeighted()
    {
        var rng = new Random(1);
        var v = Uniform(rng, 4 * 3, -1, 1);
        var w = Uniform(rng, 4, 0, 2);
        var mean = new Mean();
        mean.UpdateValues(Tensor(v, 4, 3), Tensor(w, 4));
        double total = 0;
        for (int r = 0; r < 4; r++) total += (v[r * 3] + v[r * 3 + 1] + v[r * 3 + 2]) / 3 * w[r];
        AssertClose(mean.Result(), total / w.Sum(), 1e-12, 1e-9);
    }

    [Test]
    public void Mean_UnweightedValues_CountSamples()
    {
        var mean = new Mean();
        mean.UpdateValues(Tensor([1, 2, 3], 3));
        mean.UpdateValues(Tensor([10], 1));
        Assert.That(mean.Result(), Is.EqualTo(4.0).Within(1e-12));
    }

    [Test]
    public void MeanSquaredError_Metric_AccumulatesAcrossBatches()
    {
        var rng = new Random(2);
        var metric = new MeanSquaredError();
        var perSample = new List<double>(); var weights = new List<double>();
        foreach (int n in new[] { 6, 3 })
        {
            var t = Uniform(rng, n * 2, -1, 1); var p = Uniform(rng, n * 2, -1, 1); var w = Uniform(rng, n, 0, 1);
            metric.UpdateState(Tensor(t, n, 2), Tensor(p, n, 2), Tensor(w, n));
            perSample.AddRange(LossReference.PerRow(t, p, n, LossReference.Mse)); weights.AddRange(w);
        }
        double expected = perSample.Select((v, i) => v * weights[i]).Sum() / weights.Sum();
        AssertClose(metric.Result(), expected, 1e-6, 1e-5);
    }

    [Test]
    public void MeanAbsoluteError_And_RootMeanSquaredError_MatchReference()
    {
        var rng = new Random(3);
        var t = Uniform(rng, 10, -2, 2); var p = Uniform(rng, 10, -2, 2); var w = Uniform(rng, 10, 0, 1);
        var mae = new MeanAbsoluteError();
        var rmse = new RootMeanSquaredError();
        mae.UpdateState(Tensor(t, 10, 1), Tensor(p, 10, 1), Tensor(w, 10));
        rmse.UpdateState(Tensor(t, 10), Tensor(p, 10, 1), Tensor(w, 10));
        double wsum = w.Sum();
        AssertClose(mae.Result(), t.Select((v, i) => Math.Abs(v - p[i]) * w[i]).Sum() / wsum, 1e-6, 1e-5);
        AssertClose(rmse.Result(), Math.Sqrt(t.Select((v, i) => (v - p[i]) * (v - p[i]) * w[i]).Sum() / wsum), 1e-6, 1e-5);
    }

    [Test]
    public void CategoricalCrossentropy_Metric_MatchesReference()
    {
        var rng = new Random(4);
        var (t, _) = OneHot(rng, 8, 4);
        var p = Probabilities(rng, 8, 4);
        var metric = new CategoricalCrossentropy();
        metric.UpdateState(Tensor(t, 8, 4), Tensor(p, 8, 4));
        AssertClose(metric.Result(), LossReference.PerRow(t, p, 8, LossReference.CategoricalCrossentropy(false, 0)).Average(), 1e-5, 1e-5);
    }

    [Test]
    public void BinaryCrossentropy_Metric_FromLogits_MatchesReference()
    {
        var rng = new Random(5);
        var t = Binary(rng, 12); var x = Uniform(rng, 12, -4, 4); var w = Uniform(rng, 12, 0, 1);
        var metric = new BinaryCrossentropy(fromLogits: true);
        metric.UpdateState(Tensor(t, 12, 1), Tensor(x, 12, 1), Tensor(w, 12));
        var perSample = LossReference.PerRow(t, x, 12, LossReference.BinaryCrossentropy(true, 0));
        AssertClose(metric.Result(), perSample.Select((v, i) => v * w[i]).Sum() / w.Sum(), 1e-5, 1e-5);
    }

    [Test]
    public void SparseCategoricalCrossentropy_Metric_IgnoredClassDoesNotCount()
    {
        var rng = new Random(6);
        var labels = new[] { 0, 2, 1, 2, 3 };
        var x = Uniform(rng, 5 * 4, -2, 2);
        var metric = new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: 2);
        metric.UpdateState(IntTensor(labels, 5), Tensor(x, 5, 4));
        var kept = new[] { 0, 2, 4 };
        double expected = kept.Average(r => LossReference.SparseCrossentropy(labels[r], x.AsSpan(r * 4, 4), true));
        AssertClose(metric.Result(), expected, 1e-5, 1e-5);
    }

    [Test]
    public void MeanMetricWrapper_CustomFunction_IsAveraged()
    {
        var metric = new MeanMetricWrapper((t, p) => DeepNet.Ops.Abs(DeepNet.Ops.Subtract(t, p)), "abs_error");
        metric.UpdateState(Tensor([1, 2, 3], 3), Tensor([2, 2, 5], 3));
        Assert.That(metric.Result(), Is.EqualTo(1.0).Within(1e-6));
        Assert.That(metric.Name, Is.EqualTo("abs_error"));
    }
}
