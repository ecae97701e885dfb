using DeepNet.Autograd;
using DeepNet.Keras.Losses;
using DeepNet.Memory;
using static DeepNet.Tests.Keras.LeafTestData;

namespace DeepNet.Tests.Keras.Losses;

/// <summary>Losses are written with Ops, so the tape differentiates them; checked against closed forms.</summary>
public class LossGradientTests
{
    private const int Rows = 4, Classes = 3;

    private static float[] GradientOf(Loss loss, Tensor yTrue, Tensor yPred, Tensor? weights = null)
    {
        using var tape = new GradientTape();
        var value = loss.Call(yTrue, yPred, weights);
        return tape.Gradient(value, yPred)[0].ToArray();
    }

    [Test]
    public void MeanSquaredError_Gradient_Is2DiffOverCount()
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(1);
        var t = Uniform(rng, Rows * Classes, -1, 1);
        var p = Uniform(rng, Rows * Classes, -1, 1);
        var grad = GradientOf(new MeanSquaredError(), Tensor(t, Rows, Classes), Tensor(p, Rows, Classes));
        AssertClose(grad, p.Select((x, i) => 2 * (x - t[i]) / (Rows * Classes)).ToArray());
    }

    [Test]
    public void CategoricalCrossentropyFromLogits_Gradient_IsSoftmaxMinusLabelsOverBatch()
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(2);
        var (t, _) = OneHot(rng, Rows, Classes);
        var x = Uniform(rng, Rows * Classes, -2, 2);
        var grad = GradientOf(new CategoricalCrossentropy(fromLogits: true), Tensor(t, Rows, Classes), Tensor(x, Rows, Classes));
        var expected = new double[x.Length];
        for (int r = 0; r < Rows; r++)
        {
            double z = 0;
            for (int c = 0; c < Classes; c++) z += Math.Exp(x[r * Classes + c]);
            for (int c = 0; c < Classes; c++) expected[r * Classes + c] = (Math.Exp(x[r * Classes + c]) / z - t[r * Classes + c]) / Rows;
        }
        AssertClose(grad, expected);
    }

    [Test]
    public void SparseCrossentropyFromLogits_WeightedGradient_ScalesEachRow()
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(3);
        var (_, labels) = OneHot(rng, Rows, Classes);
        var x = Uniform(rng, Rows * Classes, -2, 2);
        var w = Uniform(rng, Rows, 0.5, 2);
        var grad = GradientOf(new SparseCategoricalCrossentropy(fromLogits: true), IntTensor(labels, Rows), Tensor(x, Rows, Classes), Tensor(w, Rows));
        var expected = new double[x.Length];
        for (int r = 0; r < Rows; r++)
        {
            double z = 0;
            for (int c = 0; c < Classes; c++) z += Math.Exp(x[r * Classes + c]);
            for (int c = 0; c < Classes; c++)
                expected[r * Classes + c] = w[r] * (Math.Exp(x[r * Classes + c]) / z - (c == labels[r] ? 1 : 0)) / Rows;
        }
        AssertClose(grad, expected);
    }

    [Test]
    public void BinaryCrossentropyFromLogits_Gradient_IsSigmoidMinusLabelsOverCount()
    {
        using var scope = TensorScope.Begin();
        var rng = new Random(4);
        var t = Binary(rng, Rows * Classes);
        var x = Uniform(rng, Rows * Classes, -3, 3);
        var grad = GradientOf(new BinaryCrossentropy(fromLogits: true), Tensor(t, Rows, Classes), Tensor(x, Rows, Classes));
        AssertClose(grad, x.Select((v, i) => (1 / (1 + Math.Exp(-v)) - t[i]) / (Rows * Classes)).ToArray());
    }
}
