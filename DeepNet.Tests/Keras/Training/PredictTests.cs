using DeepNet.Keras;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Training;

/// <summary>Predict on inputs that fit one batch (computed in place) against the batched path and a float64 reference.</summary>
public class PredictTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    /// <summary>Dense(3, relu) on 4 features with the given kernel (4×3, row-major) and bias.</summary>
    private static Sequential DenseModel(float[] kernel, float[] bias)
    {
        var model = new Sequential([new Dense(3, activation: "relu", inputDim: 4)]);
        model.Layers[0].SetWeights([kernel, bias]);
        return model;
    }

    private static double[] DenseRelu(float[] x, int samples, float[] kernel, float[] bias)
    {
        var y = new double[samples * 3];
        for (int s = 0; s < samples; s++)
            for (int j = 0; j < 3; j++)
            {
                double sum = bias[j];
                for (int i = 0; i < 4; i++) sum += (double)x[s * 4 + i] * kernel[i * 3 + j];
                y[s * 3 + j] = Math.Max(0, sum);
            }
        return y;
    }

    [Test]
    public void Predict_OneBatch_MatchesFloat64ReferenceAndTheBatchedPathExactly()
    {
        float[] kernel = KerasTestUtil.RandomArray(1, 12), bias = KerasTestUtil.RandomArray(2, 3);
        var model = DenseModel(kernel, bias);
        using var x = KerasTestUtil.Random(3, 5, 4);

        using var oneBatch = model.Predict(x);
        using var batched = model.Predict(x, batchSize: 2);
        using var onBatch = model.PredictOnBatch(x);

        Assert.That(oneBatch.Shape, Is.EqualTo(new Shape(5, 3)));
        KerasTestUtil.AssertClose(oneBatch.ToArray(), DenseRelu(x.ToArray(), 5, kernel, bias));
        Assert.That(oneBatch.ToArray(), Is.EqualTo(batched.ToArray()));
        Assert.That(oneBatch.ToArray(), Is.EqualTo(onBatch.ToArray()));
    }

    [Test]
    public void Predict_OneBatch_ResultOutlivesTheInputAndIsANewTensor()
    {
        float[] kernel = KerasTestUtil.RandomArray(4, 12), bias = KerasTestUtil.RandomArray(5, 3);
        var model = DenseModel(kernel, bias);
        var x = KerasTestUtil.Random(6, 2, 4);
        var expected = DenseRelu(x.ToArray(), 2, kernel, bias);

        using var y = model.Predict(x);
        x.Dispose();

        KerasTestUtil.AssertClose(y.ToArray(), expected);
    }

    [Test]
    public void PredictMany_TwoInputsInOneBatch_GivesEveryOutput()
    {
        var a = KerasApi.Input([2], name: "a");
        var b = KerasApi.Input([2], name: "b");
        var model = new Model([a, b], [new Add().Apply(a, b), new Subtract().Apply(a, b)]);
        using var xa = new Tensor(new float[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        using var xb = new Tensor(new float[,] { { 0.5f, -1 }, { 2, 2 }, { -3, 0 } });

        var outputs = model.PredictMany([xa, xb]);

        Assert.That(outputs, Has.Length.EqualTo(2));
        KerasTestUtil.AssertClose(outputs[0].ToArray(), new double[] { 1.5, 1, 5, 6, 2, 6 });
        KerasTestUtil.AssertClose(outputs[1].ToArray(), new double[] { 0.5, 3, 1, 2, 8, 6 });
        foreach (var o in outputs) o.Dispose();
    }

    [Test]
    public void PredictMany_InputsWithDifferentSampleCounts_StillReportTheCardinality()
    {
        var a = KerasApi.Input([2], name: "a");
        var b = KerasApi.Input([2], name: "b");
        var model = new Model([a, b], [new Add().Apply(a, b)]);
        using var xa = KerasTestUtil.Random(7, 3, 2);
        using var xb = KerasTestUtil.Random(8, 4, 2);

        var e = Assert.Throws<ArgumentException>(() => model.PredictMany([xa, xb]));
        Assert.That(e!.Message, Does.Contain("Data cardinality is ambiguous"));
    }
}
