using DeepNet.Keras.Losses;
using static DeepNet.Tests.Keras.LeafTestData;
using static DeepNet.Tests.Keras.Losses.LossReference;

namespace DeepNet.Tests.Keras.Losses;

/// <summary>
/// Every loss against its float64 reference on random inputs, with and without sample weights,
/// under each reduction.
/// </summary>
public class LossValueTests
{
    private const int Rows = 7, Classes = 5;

    public sealed record Case(string Name, Func<Reduction, Loss> Make, Func<Random, (double[] True, double[] Pred)> Data, RowLoss Reference)
    {
        public override string ToString() => Name;
    }

    private static (double[], double[]) Regression(Random rng) =>
        (Uniform(rng, Rows * Classes, -2, 2), Uniform(rng, Rows * Classes, -2, 2));

    private static (double[], double[]) Positive(Random rng) =>
        (Uniform(rng, Rows * Classes, 0.1, 3), Uniform(rng, Rows * Classes, 0.1, 3));

    private static (double[], double[]) Away(Random rng)
    {
        var t = Uniform(rng, Rows * Classes, 0.5, 2);
        for (int i = 0; i < t.Length; i += 2) t[i] = -t[i];
        return (t, Uniform(rng, Rows * Classes, -2, 2));
    }

    private static (double[], double[]) BinaryProbabilities(Random rng) =>
        (Binary(rng, Rows * Classes), Uniform(rng, Rows * Classes, 0.01, 0.99));

    private static (double[], double[]) BinaryLogits(Random rng) =>
        (Binary(rng, Rows * Classes), Uniform(rng, Rows * Classes, -6, 6));

    private static (double[], double[]) OneHotProbabilities(Random rng) =>
        (OneHot(rng, Rows, Classes).OneHot, Probabilities(rng, Rows, Classes));

    private static (double[], double[]) OneHotUnnormalised(Random rng) =>
        (OneHot(rng, Rows, Classes).OneHot, Uniform(rng, Rows * Classes, 0.05, 2));

    private static (double[], double[]) OneHotLogits(Random rng) =>
        (OneHot(rng, Rows, Classes).OneHot, Uniform(rng, Rows * Classes, -4, 4));

    private static (double[], double[]) Distributions(Random rng) =>
        (Probabilities(rng, Rows, Classes), Probabilities(rng, Rows, Classes));

    private static (double[], double[]) SignedLabels(Random rng)
    {
        var t = Binary(rng, Rows * Classes);
        for (int i = 0; i < t.Length; i++) t[i] = 2 * t[i] - 1;
        return (t, Uniform(rng, Rows * Classes, -2, 2));
    }

    public static IEnumerable<Case> Cases()
    {
        yield return new("mean_squared_error", r => new MeanSquaredError(r), Regression, Mse);
        yield return new("mean_absolute_error", r => new MeanAbsoluteError(r), Regression, Mae);
        yield return new("mean_absolute_percentage_error", r => new MeanAbsolutePercentageError(r), Away, Mape);
        yield return new("mean_squared_logarithmic_error", r => new MeanSquaredLogarithmicError(r), Positive, Msle);
        yield return new("log_cosh", r => new LogCosh(r), Regression, LogCosh);
        yield return new("huber", r => new Huber(reduction: r), Regression, Huber(1.0));
        yield return new("huber_delta_0.4", r => new Huber(0.4, r), Regression, Huber(0.4));
        yield return new("hinge_binary_labels", r => new Hinge(r), BinaryLogits, Hinge(allBinary: true));
        yield return new("hinge_signed_labels", r => new Hinge(r), SignedLabels, Hinge(allBinary: false));
        yield return new("squared_hinge_binary_labels", r => new SquaredHinge(r), BinaryLogits, SquaredHinge(allBinary: true));
        yield return new("squared_hinge_signed_labels", r => new SquaredHinge(r), SignedLabels, SquaredHinge(allBinary: false));
        yield return new("categorical_hinge", r => new CategoricalHinge(r), OneHotLogits, CategoricalHinge);
        yield return new("kl_divergence", r => new KLDivergence(r), Distributions, Kld);
        yield return new("poisson", r => new Poisson(r), Positive, Poisson);
        yield return new("cosine_similarity", r => new CosineSimilarity(reduction: r), Regression, Cosine);
        yield return new("binary_crossentropy", r => new BinaryCrossentropy(reduction: r), BinaryProbabilities, BinaryCrossentropy(false, 0));
        yield return new("binary_crossentropy_logits", r => new BinaryCrossentropy(fromLogits: true, reduction: r), BinaryLogits, BinaryCrossentropy(true, 0));
        yield return new("binary_crossentropy_smoothing", r => new BinaryCrossentropy(labelSmoothing: 0.2, reduction: r), BinaryProbabilities, BinaryCrossentropy(false, 0.2));
        yield return new("binary_crossentropy_logits_smoothing", r => new BinaryCrossentropy(true, 0.1, reduction: r), BinaryLogits, BinaryCrossentropy(true, 0.1));
        yield return new("categorical_crossentropy", r => new CategoricalCrossentropy(reduction: r), OneHotProbabilities, CategoricalCrossentropy(false, 0));
        yield return new("categorical_crossentropy_rescaled", r => new CategoricalCrossentropy(reduction: r), OneHotUnnormalised, CategoricalCrossentropy(false, 0));
        yield return new("categorical_crossentropy_logits", r => new CategoricalCrossentropy(fromLogits: true, reduction: r), OneHotLogits, CategoricalCrossentropy(true, 0));
        yield return new("categorical_crossentropy_smoothing", r => new CategoricalCrossentropy(labelSmoothing: 0.3, reduction: r), OneHotProbabilities, CategoricalCrossentropy(false, 0.3));
        yield return new("categorical_crossentropy_logits_smoothing", r => new CategoricalCrossentropy(true, 0.1, reduction: r), OneHotLogits, CategoricalCrossentropy(true, 0.1));
    }

    private static (Tensor True, Tensor Pred, double[] T, double[] P) Inputs(Case c, int seed)
    {
        var rng = new Random(seed);
        var (t, p) = c.Data(rng);
        return (Tensor(t, Rows, Classes), Tensor(p, Rows, Classes), t, p);
    }

    [TestCaseSource(nameof(Cases))]
    public void Loss_SumOverBatchSize_MatchesFloat64Reference(Case c)
    {
        var (yt, yp, t, p) = Inputs(c, 11);
        float actual = c.Make(Reduction.SumOverBatchSize).Call(yt, yp).ToScalar();
        AssertClose(actual, Reduce(PerRow(t, p, Rows, c.Reference), null, "sum_over_batch_size"), what: c.Name);
    }

    [TestCaseSource(nameof(Cases))]
    public void Loss_WithSampleWeights_DividesByBatchSizeNotWeights(Case c)
    {
        var (yt, yp, t, p) = Inputs(c, 12);
        var w = Uniform(new Random(3), Rows, 0, 2);
        float actual = c.Make(Reduction.SumOverBatchSize).Call(yt, yp, Tensor(w, Rows)).ToScalar();
        AssertClose(actual, Reduce(PerRow(t, p, Rows, c.Reference), w, "sum_over_batch_size"), what: c.Name);
    }

    [TestCaseSource(nameof(Cases))]
    public void Loss_SumAndNoneAndMeanWithSampleWeight_MatchReference(Case c)
    {
        var (yt, yp, t, p) = Inputs(c, 13);
        var w = Uniform(new Random(4), Rows, 0, 2);
        var perRow = PerRow(t, p, Rows, c.Reference);
        AssertClose(c.Make(Reduction.Sum).Call(yt, yp, Tensor(w, Rows)).ToScalar(), Reduce(perRow, w, "sum"), what: c.Name + " sum");
        AssertClose(c.Make(Reduction.MeanWithSampleWeight).Call(yt, yp, Tensor(w, Rows)).ToScalar(), Reduce(perRow, w, "mean_with_sample_weight"), what: c.Name + " mean_with_sample_weight");
        using var none = c.Make(Reduction.None).Call(yt, yp, Tensor(w, Rows));
        Assert.That(none.Shape, Is.EqualTo(new Shape(Rows)));
        AssertClose(none.ToArray(), perRow.Select((v, i) => v * w[i]).ToArray(), what: c.Name + " none");
    }

    [Test]
    public void SampleWeightColumn_N1_IsSqueezedToPerSample()
    {
        var rng = new Random(21);
        var (t, p) = Regression(rng);
        var w = Uniform(rng, Rows, 0, 1);
        float actual = new MeanSquaredError().Call(Tensor(t, Rows, Classes), Tensor(p, Rows, Classes), Tensor(w, Rows, 1)).ToScalar();
        AssertClose(actual, Reduce(PerRow(t, p, Rows, Mse), w, "sum_over_batch_size"));
    }

    [Test]
    public void LabelsOfShapeN_WithPredictionsN1_AreExpanded()
    {
        var rng = new Random(22);
        var t = Uniform(rng, Rows, -1, 1);
        var p = Uniform(rng, Rows, -1, 1);
        float actual = new MeanSquaredError().Call(Tensor(t, Rows), Tensor(p, Rows, 1)).ToScalar();
        double expected = t.Zip(p, (a, b) => (a - b) * (a - b)).Average();
        AssertClose(actual, expected);
    }

    [Test]
    public void IntegerLabels_AreCastForElementwiseLosses()
    {
        var labels = new[] { 0, 1, 1, 0, 1 };
        var p = new[] { 0.2, 0.7, 0.9, 0.4, 0.1 };
        float actual = new BinaryCrossentropy().Call(IntTensor(labels, 5, 1), Tensor(p, 5, 1)).ToScalar();
        double expected = labels.Select((y, i) => -(y * Math.Log(p[i]) + (1 - y) * Math.Log(1 - p[i]))).Average();
        AssertClose(actual, expected);
    }

    [Test]
    public void BinaryCrossentropy_ExtremeProbabilities_AreClippedNotInfinite()
    {
        float actual = new BinaryCrossentropy().Call(Tensor([1, 0], 2, 1), Tensor([0, 1], 2, 1)).ToScalar();
        // Clipped to [1e-7, 1 − 1e-7] in float32, where 1 − 1e-7 rounds to 1 − 1.19e-7 (as in Keras).
        double low = (float)1e-7, high = (float)(1 - 1e-7);
        AssertClose(actual, (-Math.Log(low) - Math.Log(1 - high)) / 2, rel: 1e-3);
    }

    [Test]
    public void CategoricalCrossentropy_LogitsAlongAxis0_MatchesReferenceOnTransposedData()
    {
        var rng = new Random(31);
        var (t, p) = OneHotLogits(rng);
        // Put classes on axis 0: (C, N) tensors.
        double[] Transpose(double[] a) { var b = new double[a.Length]; for (int r = 0; r < Rows; r++) for (int c = 0; c < Classes; c++) b[c * Rows + r] = a[r * Classes + c]; return b; }
        var loss = new CategoricalCrossentropy(fromLogits: true, axis: 0);
        float actual = loss.Call(Tensor(Transpose(t), Classes, Rows), Tensor(Transpose(p), Classes, Rows)).ToScalar();
        AssertClose(actual, Reduce(PerRow(t, p, Rows, CategoricalCrossentropy(true, 0)), null, "sum_over_batch_size"));
    }
}
