using DeepNet.Keras.Metrics;
using static DeepNet.Tests.Keras.LeafTestData;

namespace DeepNet.Tests.Keras.Metrics;

/// <summary>The accuracy metrics against float64 references: weights, several updates, reset.</summary>
public class AccuracyMetricTests
{
    private static double WeightedMean(double[] matches, double[]? w)
    {
        double s = 0, ws = 0;
        for (int i = 0; i < matches.Length; i++) { s += matches[i] * (w?[i] ?? 1); ws += w?[i] ?? 1; }
        return ws == 0 ? 0 : s / ws;
    }

    private static int ArgMax(double[] a, int row, int c)
    {
        int best = 0;
        for (int j = 1; j < c; j++) if (a[row * c + j] > a[row * c + best]) best = j;
        return best;
    }

    [Test]
    public void CategoricalAccuracy_AccumulatesWeightedOverBatches_AndResets()
    {
        var rng = new Random(1);
        var metric = new CategoricalAccuracy();
        var allMatches = new List<double>();
        var allWeights = new List<double>();
        foreach (int rows in new[] { 5, 8, 1 })
        {
            var (t, _) = OneHot(rng, rows, 4);
            var p = Probabilities(rng, rows, 4);
            var w = Uniform(rng, rows, 0, 2);
            metric.UpdateState(Tensor(t, rows, 4), Tensor(p, rows, 4), Tensor(w, rows));
            for (int r = 0; r < rows; r++) { allMatches.Add(ArgMax(t, r, 4) == ArgMax(p, r, 4) ? 1 : 0); allWeights.Add(w[r]); }
        }
        AssertClose(metric.Result(), WeightedMean([.. allMatches], [.. allWeights]), 1e-12, 1e-12);
        metric.ResetState();
        Assert.That(metric.Result(), Is.EqualTo(0.0));
    }

    [Test]
    public void CategoricalAccuracy_TiesGoToTheFirstIndex()
    {
        var metric = new CategoricalAccuracy();
        metric.UpdateState(Tensor([1, 0, 0, 0, 1, 0], 2, 3), Tensor([0.4, 0.4, 0.2, 0.3, 0.3, 0.3], 2, 3));
        Assert.That(metric.Result(), Is.EqualTo(0.5));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void SparseCategoricalAccuracy_LabelsNOrN1_MatchReference(bool column)
    {
        var rng = new Random(2);
        var (_, labels) = OneHot(rng, 12, 5);
        var p = Probabilities(rng, 12, 5);
        var w = Uniform(rng, 12, 0, 1);
        var metric = new SparseCategoricalAccuracy();
        using var y = column ? IntTensor(labels, 12, 1) : IntTensor(labels, 12);
        metric.UpdateState(y, Tensor(p, 12, 5), Tensor(w, 12));
        var matches = labels.Select((l, r) => ArgMax(p, r, 5) == l ? 1.0 : 0.0).ToArray();
        AssertClose(metric.Result(), WeightedMean(matches, w), 1e-12, 1e-12);
    }

    [Test]
    public void SparseCategoricalAccuracy_FloatLabels_Work()
    {
        var metric = new SparseCategoricalAccuracy();
        metric.UpdateState(Tensor([2, 0, 1], 3), Tensor([0, 0, 1, 1, 0, 0, 1, 0, 0], 3, 3));
        AssertClose(metric.Result(), 2.0 / 3.0, 1e-12, 0);
    }

    [Test]
    public void BinaryAccuracy_ComparesStrictlyAboveTheThreshold()
    {
        var metric = new BinaryAccuracy();
        // 0.5 is not above 0.5, so it predicts 0.
        metric.UpdateState(Tensor([1, 0, 0, 1], 4, 1), Tensor([0.5, 0.5, 0.2, 0.9], 4, 1));
        Assert.That(metric.Result(), Is.EqualTo(0.75));
        var custom = new BinaryAccuracy(threshold: 0.1);
        custom.UpdateState(Tensor([1, 0], 2), Tensor([0.2, 0.05], 2, 1));
        Assert.That(custom.Result(), Is.EqualTo(1.0));
    }

    [Test]
    public void BinaryAccuracy_MultiOutput_AveragesPerSampleThenWeights()
    {
        var rng = new Random(3);
        var t = Binary(rng, 6 * 3);
        var p = Uniform(rng, 6 * 3, 0, 1);
        var w = Uniform(rng, 6, 0, 2);
        var metric = new BinaryAccuracy();
        metric.UpdateState(Tensor(t, 6, 3), Tensor(p, 6, 3), Tensor(w, 6));
        var perSample = new double[6];
        for (int r = 0; r < 6; r++)
            for (int c = 0; c < 3; c++) perSample[r] += ((p[r * 3 + c] > 0.5 ? 1 : 0) == t[r * 3 + c] ? 1 : 0) / 3.0;
        AssertClose(metric.Result(), WeightedMean(perSample, w), 1e-12, 1e-12);
    }

    [Test]
    public void Accuracy_CountsExactMatches()
    {
        var metric = new Accuracy();
        metric.UpdateState(Tensor([1, 2, 3, 4], 4, 1), Tensor([1, 2, 0, 4], 4, 1));
        Assert.That(metric.Result(), Is.EqualTo(0.75));
    }

    [Test]
    public void TopKCategoricalAccuracy_MatchesInTopKWithTiesCountingIn()
    {
        var metric = new TopKCategoricalAccuracy(k: 2);
        // Row 0: true class 2 scores 0.3, beaten only by 0.4 → in. Row 1: true class 0 is the lowest → out.
        // Row 2: true class 1 ties with two others at the boundary → in (fewer than 2 strictly higher).
        metric.UpdateState(
            Tensor([0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0], 3, 4),
            Tensor([0.1, 0.4, 0.3, 0.2, 0.1, 0.5, 0.2, 0.2, 0.5, 0.2, 0.2, 0.1], 3, 4));
        AssertClose(metric.Result(), 2.0 / 3.0, 1e-12, 0);
    }

    [Test]
    public void SparseTopKCategoricalAccuracy_MatchesReference()
    {
        var rng = new Random(4);
        var (_, labels) = OneHot(rng, 20, 8);
        var p = Probabilities(rng, 20, 8);
        var metric = new SparseTopKCategoricalAccuracy(k: 3);
        metric.UpdateState(IntTensor(labels, 20), Tensor(p, 20, 8));
        var matches = labels.Select((l, r) => Enumerable.Range(0, 8).Count(j => p[r * 8 + j] > p[r * 8 + l]) < 3 ? 1.0 : 0.0).ToArray();
        AssertClose(metric.Result(), WeightedMean(matches, null), 1e-12, 0);
    }
}
