using DeepNet.Keras.Losses;
using M = DeepNet.Keras.Metrics;
using static DeepNet.Tests.Keras.LeafTestData;

namespace DeepNet.Tests.Keras.Losses;

/// <summary>
/// A predictions' mask (Keras's <c>y_pred._keras_mask</c>) in losses and metrics, against float64
/// evaluations of Keras 3's formulas (keras/src/losses/loss.py apply_mask and
/// reduce_weighted_values; keras/src/metrics/reduction_metrics.py).
/// </summary>
public class MaskedLossTests
{
    private const int N = 3, T = 5, C = 4;

    /// <summary>Random class labels, probabilities, a 0/1 mask with some of each, and per-entry losses.</summary>
    private static (int[] Labels, double[] Probs, double[] Mask, double[] Losses) Data(int seed)
    {
        var rng = new Random(seed);
        var labels = new int[N * T];
        for (int i = 0; i < labels.Length; i++) labels[i] = rng.Next(C);
        var probs = Probabilities(rng, N * T, C);
        var mask = new double[N * T];
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.Next(3) == 0 ? 0 : 1;
        mask[0] = 0;
        mask[1] = 1;
        var losses = new double[N * T];
        for (int i = 0; i < losses.Length; i++) losses[i] = LossReference.SparseCrossentropy(labels[i], probs.AsSpan(i * C, C), false);
        return (labels, probs, mask, losses);
    }

    private static Tensor Labels(int[] labels) => Tensor(labels.Select(l => (double)l).ToArray(), N, T);

    [TestCase("sum_over_batch_size", false)]
    [TestCase("sum_over_batch_size", true)]
    [TestCase("mean", true)]
    [TestCase("sum", false)]
    [TestCase("sum", true)]
    [TestCase("mean_with_sample_weight", true)]
    public void SparseCategoricalCrossentropy_PredictionMask_MatchesKerasFormula(string reduction, bool weighted)
    {
        var (labels, probs, mask, losses) = Data(1);
        var weights = weighted ? Uniform(new Random(2), N * T, 0.5, 2) : Enumerable.Repeat(1.0, N * T).ToArray();
        var loss = new SparseCategoricalCrossentropy(reduction: Loss.ParseReduction(reduction));

        var value = loss.Call(Labels(labels), Tensor(probs, N, T, C), weighted ? Tensor(weights, N, T) : null, Tensor(mask, N, T)).ToScalar();

        // Keras: the mean reductions weigh valid entries by total/valid, so they average over valid entries.
        double sum = 0, valid = 0, weightSum = 0;
        for (int i = 0; i < losses.Length; i++)
        {
            sum += losses[i] * mask[i] * weights[i];
            valid += mask[i];
            weightSum += mask[i] * weights[i];
        }
        double expected = reduction switch
        {
            "sum" => sum,
            "mean_with_sample_weight" => sum / weightSum,
            _ => sum / valid,
        };
        Assert.That(value, Is.EqualTo(expected).Within(1e-5 * Math.Abs(expected) + 1e-6));
    }

    [Test]
    public void SparseCategoricalCrossentropy_ReductionNone_MultipliesByTheMaskWithoutRescaling()
    {
        var (labels, probs, mask, losses) = Data(3);
        var loss = new SparseCategoricalCrossentropy(reduction: Reduction.None);
        var values = loss.Call(Labels(labels), Tensor(probs, N, T, C), null, Tensor(mask, N, T));
        Assert.That(values.Shape, Is.EqualTo(new Shape(N, T)));
        AssertClose(values.ToArray(), losses.Select((l, i) => l * mask[i]).ToArray());
    }

    [Test]
    public void Loss_PerSampleWeightsWithTimestepMask_WeighEveryTimestepOfTheirSample()
    {
        var (labels, probs, mask, losses) = Data(4);
        var weights = Uniform(new Random(5), N, 0.5, 2);
        var value = new SparseCategoricalCrossentropy().Call(Labels(labels), Tensor(probs, N, T, C), Tensor(weights, N), Tensor(mask, N, T)).ToScalar();
        double sum = 0, valid = 0;
        for (int i = 0; i < losses.Length; i++)
        {
            sum += losses[i] * mask[i] * weights[i / T];
            valid += mask[i];
        }
        Assert.That(value, Is.EqualTo(sum / valid).Within(1e-5 * sum / valid));
    }

    [Test]
    public void SparseCategoricalCrossentropy_IgnoreClassAndPredictionMask_CombineAsKerasAnd()
    {
        var (labels, probs, mask, losses) = Data(6);
        const int ignore = 2;
        var value = new SparseCategoricalCrossentropy(ignoreClass: ignore).Call(Labels(labels), Tensor(probs, N, T, C), null, Tensor(mask, N, T)).ToScalar();
        double sum = 0, valid = 0;
        for (int i = 0; i < losses.Length; i++)
        {
            double keep = labels[i] == ignore ? 0 : mask[i];
            sum += losses[i] * keep;
            valid += keep;
        }
        Assert.That(labels.Any(l => l == ignore), Is.True, "the data should hold the ignored class");
        Assert.That(value, Is.EqualTo(sum / valid).Within(1e-5 * sum / valid));
    }

    [Test]
    public void Loss_EverythingMasked_IsZero()
    {
        var (labels, probs, _, _) = Data(7);
        var value = new SparseCategoricalCrossentropy().Call(Labels(labels), Tensor(probs, N, T, C), null, Tensor(new double[N * T], N, T)).ToScalar();
        Assert.That(value, Is.EqualTo(0f));
    }

    [Test]
    public void Loss_MaskOfAnotherShape_ThrowsNamingTheLossAndShapes()
    {
        var (labels, probs, _, _) = Data(8);
        var ex = Assert.Throws<ShapeMismatchException>(() =>
            new SparseCategoricalCrossentropy().Call(Labels(labels), Tensor(probs, N, T, C), null, Tensor(new double[N * (T + 1)], N, T + 1)));
        Assert.That(ex!.Message, Does.Contain("sparse_categorical_crossentropy").And.Contain($"({N}, {T + 1})").And.Contain($"({N}, {T})"));
    }

    [Test]
    public void SparseCategoricalAccuracy_WithMaskOverBatchesOfDifferentLengths_IsKerasWeightedMean()
    {
        var metric = new M.SparseCategoricalAccuracy();
        double total = 0, count = 0;
        var rng = new Random(9);
        foreach (var (n, t, weighted) in new[] { (3, 4, false), (2, 6, true) })
        {
            var labels = Enumerable.Range(0, n * t).Select(_ => (double)rng.Next(C)).ToArray();
            var probs = Probabilities(rng, n * t, C);
            var mask = Enumerable.Range(0, n * t).Select(i => i % 3 == 1 ? 0.0 : 1.0).ToArray();
            var weights = Uniform(rng, n, 0.5, 2);
            metric.UpdateState(Tensor(labels, n, t), Tensor(probs, n, t, C), weighted ? Tensor(weights, n) : null, Tensor(mask, n, t));
            // Keras: weights = sample_weight·mask; per sample, mean over time of value·weight and of weight.
            for (int s = 0; s < n; s++)
            {
                double v = 0, w = 0;
                for (int k = 0; k < t; k++)
                {
                    int i = s * t + k;
                    var row = probs.AsSpan(i * C, C);
                    int argmax = 0;
                    for (int c = 1; c < C; c++) if (row[c] > row[argmax]) argmax = c;
                    double weight = mask[i] * (weighted ? weights[s] : 1);
                    v += (argmax == (int)labels[i] ? 1 : 0) * weight;
                    w += weight;
                }
                total += v / t;
                count += w / t;
            }
        }
        Assert.That(metric.Result(), Is.EqualTo(total / count).Within(1e-12));
    }

    [Test]
    public void MeanSquaredError_Metric_WithMask_AveragesUnmaskedEntries()
    {
        var rng = new Random(10);
        var yTrue = Uniform(rng, N * T * 2, -1, 1);
        var yPred = Uniform(rng, N * T * 2, -1, 1);
        var mask = Enumerable.Range(0, N * T).Select(i => i % 4 == 0 ? 0.0 : 1.0).ToArray();
        var metric = new M.MeanSquaredError();
        metric.UpdateState(Tensor(yTrue, N, T, 2), Tensor(yPred, N, T, 2), null, Tensor(mask, N, T));
        double sum = 0, valid = 0;
        for (int i = 0; i < N * T; i++)
        {
            double e0 = yTrue[2 * i] - yPred[2 * i], e1 = yTrue[2 * i + 1] - yPred[2 * i + 1];
            sum += (e0 * e0 + e1 * e1) / 2 * mask[i];
            valid += mask[i];
        }
        Assert.That(metric.Result(), Is.EqualTo(sum / valid).Within(1e-6 * sum / valid));
    }

    [Test]
    public void Precision_IgnoresTheMask_AsKerasConfusionMetricsDo()
    {
        var rng = new Random(11);
        var yTrue = Binary(rng, N * T);
        var yPred = Uniform(rng, N * T, 0, 1);
        var mask = Enumerable.Range(0, N * T).Select(i => i % 2 == 0 ? 0.0 : 1.0).ToArray();
        var masked = new M.Precision();
        masked.UpdateState(Tensor(yTrue, N, T), Tensor(yPred, N, T), null, Tensor(mask, N, T));
        double tp = 0, fp = 0;
        for (int i = 0; i < N * T; i++)
        {
            if (yPred[i] <= 0.5) continue;
            if (yTrue[i] == 1) tp++; else fp++;
        }
        Assert.That(masked.Result(), Is.EqualTo(tp / (tp + fp)).Within(1e-12));
    }
}
