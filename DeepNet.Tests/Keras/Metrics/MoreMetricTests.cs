using DeepNet.Keras.Metrics;
using DeepNet.Tests.Keras.Losses;
using static DeepNet.Tests.Keras.LeafTestData;
using MetricRegistry = DeepNet.Keras.Metrics.Metrics;

namespace DeepNet.Tests.Keras.Metrics;

/// <summary>Hinge, KL, Poisson, log-cosh and cosine metrics, and the confusion-matrix counts.</summary>
public class MoreMetricTests
{
    [Test]
    public void LossBasedMetrics_AreWeightedMeansOfTheReference()
    {
        var rng = new Random(1);
        var t = Probabilities(rng, 6, 3);
        var p = Probabilities(rng, 6, 3);
        var w = Uniform(rng, 6, 0, 1);
        var cases = new (Metric Metric, LossReference.RowLoss Reference)[]
        {
            (new KLDivergence(), LossReference.Kld),
            (new Poisson(), LossReference.Poisson),
            (new LogCoshError(), LossReference.LogCosh),
            (new CategoricalHinge(), LossReference.CategoricalHinge),
            (new Hinge(), LossReference.Hinge(allBinary: false)),
        };
        foreach (var (metric, reference) in cases)
        {
            metric.UpdateState(Tensor(t, 6, 3), Tensor(p, 6, 3), Tensor(w, 6));
            var perRow = LossReference.PerRow(t, p, 6, reference);
            AssertClose(metric.Result(), perRow.Select((v, i) => v * w[i]).Sum() / w.Sum(), 1e-6, 1e-5, metric.Name);
        }
    }

    [Test]
    public void CosineSimilarity_Metric_IsPositiveForAlignedVectors()
    {
        var rng = new Random(2);
        var t = Uniform(rng, 12, -1, 1);
        var p = Uniform(rng, 12, -1, 1);
        var metric = new CosineSimilarity();
        metric.UpdateState(Tensor(t, 4, 3), Tensor(p, 4, 3));
        AssertClose(metric.Result(), -LossReference.PerRow(t, p, 4, LossReference.Cosine).Average(), 1e-6, 1e-5);
        var same = new CosineSimilarity();
        same.UpdateState(Tensor(t, 4, 3), Tensor(t, 4, 3));
        AssertClose(same.Result(), 1.0, 1e-6, 0);
    }

    [Test]
    public void ConfusionCounts_SumToTheTotalWeight()
    {
        var rng = new Random(3);
        var t = Binary(rng, 25);
        var p = Uniform(rng, 25, 0, 1);
        var w = Uniform(rng, 25, 0, 2);
        Metric[] metrics = [new TruePositives(), new FalsePositives(), new TrueNegatives(), new FalseNegatives()];
        foreach (var m in metrics) m.UpdateState(Tensor(t, 25), Tensor(p, 25), Tensor(w, 25));
        double tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < 25; i++)
        {
            bool pred = p[i] > 0.5, pos = t[i] == 1;
            if (pos && pred) tp += w[i]; else if (pos) fn += w[i]; else if (pred) fp += w[i]; else tn += w[i];
        }
        var expected = new[] { tp, fp, tn, fn };
        for (int i = 0; i < 4; i++) AssertClose(metrics[i].Result(), expected[i], 1e-9, 1e-12, metrics[i].ClassName);
    }

    [TestCase("TruePositives", "true_positives")]
    [TestCase("FalseNegatives", "false_negatives")]
    public void ConfusionCount_DefaultConfig_EqualsKeras(string className, string snake)
    {
        var metric = MetricRegistry.Get(snake);
        Assert.That(metric.ClassName, Is.EqualTo(className));
        var config = metric.GetConfig();
        config["name"] = snake;   // automatic names are uniquified per process
        AssertJsonEqual(config, $$"""{"name": "{{snake}}", "dtype": "float32", "thresholds": null}""");
    }

    [TestCase("hinge", typeof(Hinge))]
    [TestCase("kl_divergence", typeof(KLDivergence))]
    [TestCase("poisson", typeof(Poisson))]
    [TestCase("logcosh", typeof(LogCoshError))]
    [TestCase("cosine_similarity", typeof(CosineSimilarity))]
    public void Get_MoreKerasNames(string name, Type expected)
    {
        Assert.That(MetricRegistry.Get(name), Is.InstanceOf(expected));
    }
}
