using DeepNet.Memory;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using LossScce = DeepNet.Keras.Losses.SparseCategoricalCrossentropy;
using MetricScce = DeepNet.Keras.Metrics.SparseCategoricalCrossentropy;

namespace DeepNet.Tests.OpTests;

/// <summary>
/// Integer labels and indices outside their range throw on the CPU backend, as Keras (TensorFlow)
/// raises, instead of giving a silent zero loss or reading another row.
/// </summary>
public class LabelRangeTests
{
    private static Tensor Logits(int rows, int classes) =>
        Tensor.FromArray(Enumerable.Range(0, rows * classes).Select(i => (float)Math.Sin(i)).ToArray(), new Shape(rows, classes));

    [Test]
    public void SparseSoftmaxCrossEntropy_LabelEqualToClassCount_ThrowsNamingOpLabelAndClasses()
    {
        using var scope = TensorScope.Begin();
        var labels = Tensor.FromArray(new[] { 0, 3, 2 }, new Shape(3));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DeepNet.Ops.SparseSoftmaxCrossEntropy(Logits(3, 3), labels));
        Assert.That(e!.Message, Does.StartWith("SparseSoftmaxCrossEntropy:").And.Contain("label 3").And.Contain("[0, 3)").And.Contain("position 1"));
    }

    [Test]
    public void SparseSoftmaxCrossEntropy_NegativeInt64Label_Throws()
    {
        using var scope = TensorScope.Begin();
        var labels = Tensor.FromArray(new long[] { 1, 0, -1, 2 }, new Shape(2, 2));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DeepNet.Ops.SparseSoftmaxCrossEntropy(
            Tensor.FromArray(new float[16], new Shape(2, 2, 4)), labels));
        Assert.That(e!.Message, Does.Contain("label -1").And.Contain("[0, 4)"));
    }

    [Test]
    public void SparseSoftmaxCrossEntropy_LabelsInRange_GiveReferenceLoss()
    {
        using var scope = TensorScope.Begin();
        var logits = Logits(2, 3);
        var x = logits.ToArray();
        int[] labels = [2, 0];
        var loss = DeepNet.Ops.SparseSoftmaxCrossEntropy(logits, Tensor.FromArray(labels, new Shape(2))).ToArray();
        for (int r = 0; r < 2; r++)
        {
            // −log softmax(x)[label], in float64.
            double max = Enumerable.Range(0, 3).Max(c => (double)x[r * 3 + c]);
            double sum = Enumerable.Range(0, 3).Sum(c => Math.Exp(x[r * 3 + c] - max));
            double expected = -(x[r * 3 + labels[r]] - max - Math.Log(sum));
            Assert.That(loss[r], Is.EqualTo(expected).Within(1e-5));
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void SparseCategoricalCrossentropyLoss_OutOfRangeLabel_Throws(bool fromLogits)
    {
        using var scope = TensorScope.Begin();
        var predictions = fromLogits ? Logits(2, 4) : DeepNet.Ops.Softmax(Logits(2, 4));
        var labels = Tensor.FromArray(new[] { 1, 4 }, new Shape(2));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LossScce(fromLogits).Call(labels, predictions));
        Assert.That(e!.Message, Does.Contain("label 4").And.Contain("[0, 4)"));
    }

    [Test]
    public void SparseCategoricalCrossentropyLoss_IgnoredNegativeClass_DoesNotThrow()
    {
        // ignore_class=-1 is how Keras users mask padding: those labels never reach the range check.
        using var scope = TensorScope.Begin();
        var labels = Tensor.FromArray(new[] { 1, -1 }, new Shape(2));
        var loss = new LossScce(fromLogits: true, ignoreClass: -1).Call(labels, Logits(2, 4)).ToScalar();
        Assert.That(float.IsFinite(loss), Is.True);
    }

    [Test]
    public void SparseCategoricalCrossentropyMetric_OutOfRangeLabel_Throws()
    {
        using var scope = TensorScope.Begin();
        var metric = new MetricScce(fromLogits: true);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => metric.UpdateState(Tensor.FromArray(new[] { 7, 0 }, new Shape(2)), Logits(2, 5)));
        Assert.That(e!.Message, Does.Contain("label 7").And.Contain("[0, 5)"));
    }

    [Test]
    public void Embedding_IndexOutsideInputDim_ThrowsNamingGatherAndRange()
    {
        using var scope = TensorScope.Begin();
        var layer = new Embedding(5, 2);
        layer.EnsureBuilt(new KerasShape(null, 2));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Call(Tensor.FromArray(new[] { 0, 1, 5, 2 }, new Shape(2, 2))));
        Assert.That(e!.Message, Does.StartWith("Gather:").And.Contain("index 5").And.Contain("[0, 5)"));
    }

    [Test]
    public void Gather_NegativeIndex_Throws()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, new Shape(2, 3));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DeepNet.Ops.Gather(x, Tensor.FromArray(new long[] { 2, -1 }, new Shape(2)), 1));
        Assert.That(e!.Message, Does.Contain("index -1").And.Contain("[0, 3)"));
    }
}
