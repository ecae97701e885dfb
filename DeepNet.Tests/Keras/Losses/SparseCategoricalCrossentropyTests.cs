using DeepNet.Keras.Losses;
using static DeepNet.Tests.Keras.LeafTestData;
using static DeepNet.Tests.Keras.Losses.LossReference;

namespace DeepNet.Tests.Keras.Losses;

/// <summary>Sparse categorical cross-entropy: label shapes and dtypes, logits and probabilities, ignore_class.</summary>
public class SparseCategoricalCrossentropyTests
{
    private const int Rows = 9, Classes = 6;

    private static double Expected(int[] labels, double[] p, bool fromLogits, double[]? w = null, int? ignore = null)
    {
        double sum = 0;
        int valid = 0;
        for (int r = 0; r < Rows; r++)
        {
            if (labels[r] == ignore) continue;
            valid++;
            sum += SparseCrossentropy(labels[r], p.AsSpan(r * Classes, Classes), fromLogits) * (w?[r] ?? 1);
        }
        // With ignore_class the mean runs over the valid entries only.
        return sum / (ignore is null ? Rows : valid);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Int32LabelsOfShapeN_MatchReference(bool fromLogits)
    {
        var rng = new Random(1);
        var (_, labels) = OneHot(rng, Rows, Classes);
        var p = fromLogits ? Uniform(rng, Rows * Classes, -3, 3) : Probabilities(rng, Rows, Classes);
        float actual = new SparseCategoricalCrossentropy(fromLogits).Call(IntTensor(labels, Rows), Tensor(p, Rows, Classes)).ToScalar();
        AssertClose(actual, Expected(labels, p, fromLogits));
    }

    [Test]
    public void FloatLabelsOfShapeN1_WithWeights_MatchReference()
    {
        var rng = new Random(2);
        var (_, labels) = OneHot(rng, Rows, Classes);
        var p = Uniform(rng, Rows * Classes, -3, 3);
        var w = Uniform(rng, Rows, 0, 2);
        var floatLabels = labels.Select(l => (double)l).ToArray();
        float actual = new SparseCategoricalCrossentropy(fromLogits: true)
            .Call(Tensor(floatLabels, Rows, 1), Tensor(p, Rows, Classes), Tensor(w, Rows)).ToScalar();
        AssertClose(actual, Expected(labels, p, true, w));
    }

    [Test]
    public void Int64Labels_AreAccepted()
    {
        var rng = new Random(3);
        var (_, labels) = OneHot(rng, Rows, Classes);
        var p = Probabilities(rng, Rows, Classes);
        using var longLabels = DeepNet.Tensor.FromArray(labels.Select(l => (long)l).ToArray(), new Shape(Rows));
        float actual = new SparseCategoricalCrossentropy().Call(longLabels, Tensor(p, Rows, Classes)).ToScalar();
        AssertClose(actual, Expected(labels, p, false));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void IgnoreClass_ExcludesThoseEntriesFromLossAndMean(bool fromLogits)
    {
        var rng = new Random(4);
        var (_, labels) = OneHot(rng, Rows, Classes);
        labels[0] = 2; labels[3] = 2; labels[4] = 1;
        var p = fromLogits ? Uniform(rng, Rows * Classes, -3, 3) : Probabilities(rng, Rows, Classes);
        var loss = new SparseCategoricalCrossentropy(fromLogits, ignoreClass: 2);
        float actual = loss.Call(IntTensor(labels, Rows), Tensor(p, Rows, Classes)).ToScalar();
        AssertClose(actual, Expected(labels, p, fromLogits, ignore: 2));
        using var none = new SparseCategoricalCrossentropy(fromLogits, ignoreClass: 2, reduction: Reduction.None)
            .Call(IntTensor(labels, Rows), Tensor(p, Rows, Classes));
        Assert.That(none.ToArray()[0], Is.EqualTo(0f));
        Assert.That(none.ToArray()[3], Is.EqualTo(0f));
    }

    [Test]
    public void SequenceLabels_AveragesOverEveryPosition()
    {
        // (batch 2, time 3) labels against (2, 3, 4) logits.
        var rng = new Random(5);
        var labels = new[] { 0, 3, 1, 2, 2, 0 };
        var p = Uniform(rng, 24, -2, 2);
        float actual = new SparseCategoricalCrossentropy(fromLogits: true).Call(IntTensor(labels, 2, 3), Tensor(p, 2, 3, 4)).ToScalar();
        double expected = Enumerable.Range(0, 6).Average(i => SparseCrossentropy(labels[i], p.AsSpan(i * 4, 4), true));
        AssertClose(actual, expected);
    }
}
