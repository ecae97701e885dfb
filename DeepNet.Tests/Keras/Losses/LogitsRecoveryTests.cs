using DeepNet.Autograd;
using DeepNet.Keras.Losses;
using DeepNet.Memory;

namespace DeepNet.Tests.Keras.Losses;

/// <summary>
/// Cross-entropy given the direct output of a softmax or sigmoid computes from the logits, as
/// Keras's TensorFlow backend does, so a confidently wrong sample still has a gradient.
/// </summary>
public class LogitsRecoveryTests
{
    // Logits that put the true class (0) about e^-40 below the others: its probability is far
    // below the 1e-7 clip, where the clipped formula's gradient is exactly zero.
    private static readonly float[] Logits = { -20f, 20f, 0f };
    private static readonly float[] OneHot = { 1f, 0f, 0f };

    private static float[] ExpectedGradient()
    {
        // d/dz of -log softmax(z)[0] = softmax(z) - onehot, in double.
        double max = Logits.Max();
        var e = Logits.Select(z => Math.Exp(z - max)).ToArray();
        double sum = e.Sum();
        return e.Select((v, i) => (float)(v / sum - OneHot[i])).ToArray();
    }

    [Test]
    public void CategoricalCrossentropy_OnSoftmaxOutput_GradientIsProbsMinusLabels()
    {
        using var scope = TensorScope.Begin();
        var z = Tensor.FromArray(Logits, new Shape(1, 3));
        var y = Tensor.FromArray(OneHot, new Shape(1, 3));
        using var tape = new GradientTape();
        var loss = new CategoricalCrossentropy().Call(y, Ops.Softmax(z));
        var grad = tape.Gradient(loss, z)[0].ToArray();
        Assert.That(loss.ToScalar(), Is.EqualTo(40f).Within(1e-3f), "the loss is the exact -log p, not the clipped -log 1e-7");
        Assert.That(grad, Is.EqualTo(ExpectedGradient()).Within(1e-6f));
    }

    [Test]
    public void SparseCategoricalCrossentropy_OnSoftmaxOutput_GradientIsProbsMinusLabels()
    {
        using var scope = TensorScope.Begin();
        var z = Tensor.FromArray(Logits, new Shape(1, 3));
        var y = Tensor.FromArray(new[] { 0 }, new Shape(1));
        using var tape = new GradientTape();
        var loss = new SparseCategoricalCrossentropy().Call(y, Ops.Softmax(z));
        var grad = tape.Gradient(loss, z)[0].ToArray();
        Assert.That(grad, Is.EqualTo(ExpectedGradient()).Within(1e-6f));
    }

    [Test]
    public void CategoricalCrossentropy_OnProbabilitiesFromElsewhere_ClipsAsKeras()
    {
        using var scope = TensorScope.Begin();
        var p = Tensor.FromArray(new[] { 1e-12f, 1f - 1e-12f, 0f }, new Shape(1, 3));
        var y = Tensor.FromArray(OneHot, new Shape(1, 3));
        var loss = new CategoricalCrossentropy().Call(y, p).ToScalar();
        Assert.That(loss, Is.EqualTo(-MathF.Log(1e-7f)).Within(1e-3f));
    }

    // Binary: logits far on the wrong side of each label; the clipped formula would give
    // -log(1e-7) ≈ 16.12 and a zero gradient, the exact one softplus(20) ≈ 20 and σ(z) − y.
    private static readonly float[] BinaryLogits = { -20f, 20f, 3f };
    private static readonly float[] BinaryLabels = { 1f, 0f, 1f };

    private static (double Loss, float[] Gradient) ExpectedBinary()
    {
        int n = BinaryLogits.Length;
        double loss = 0;
        var grad = new float[n];
        for (int i = 0; i < n; i++)
        {
            double z = BinaryLogits[i], y = BinaryLabels[i];
            double sigmoid = 1 / (1 + Math.Exp(-z));
            loss += Math.Max(z, 0) - z * y + Math.Log(1 + Math.Exp(-Math.Abs(z)));
            grad[i] = (float)((sigmoid - y) / n); // mean over the last axis
        }
        return (loss / n, grad);
    }

    [Test]
    public void BinaryCrossentropy_OnSigmoidOutput_UsesTheLogits()
    {
        using var scope = TensorScope.Begin();
        var z = Tensor.FromArray(BinaryLogits, new Shape(1, 3));
        var y = Tensor.FromArray(BinaryLabels, new Shape(1, 3));
        using var tape = new GradientTape();
        var loss = new BinaryCrossentropy().Call(y, Ops.Sigmoid(z));
        var grad = tape.Gradient(loss, z)[0].ToArray();
        var (expectedLoss, expectedGrad) = ExpectedBinary();
        Assert.That(loss.ToScalar(), Is.EqualTo(expectedLoss).Within(1e-4));
        Assert.That(grad, Is.EqualTo(expectedGrad).Within(1e-6f));
    }

    [Test]
    public void BinaryCrossentropy_OnDenseSigmoidLayer_GradientReachesTheKernel()
    {
        using var scope = TensorScope.Begin();
        // Dense(3, sigmoid) on a one-hot input with an identity kernel: its logits are BinaryLogits.
        var dense = new DeepNet.Keras.Layers.Dense(3, activation: "sigmoid", useBias: false);
        dense.EnsureBuilt(new DeepNet.Keras.KerasShape(null, 3));
        var kernel = new float[9];
        for (int i = 0; i < 3; i++) kernel[i * 3 + i] = BinaryLogits[i];
        dense.SetWeights(new[] { kernel });
        var x = Tensor.FromArray(new[] { 1f, 1f, 1f }, new Shape(1, 3));
        var y = Tensor.FromArray(BinaryLabels, new Shape(1, 3));
        var variable = dense.TrainableWeights[0].Value;
        using var tape = new GradientTape();
        var loss = new BinaryCrossentropy().Call(y, dense.Apply(x));
        var grad = tape.Gradient(loss, variable)[0].ToArray();
        var (expectedLoss, expectedGrad) = ExpectedBinary();
        Assert.That(loss.ToScalar(), Is.EqualTo(expectedLoss).Within(1e-4));
        for (int i = 0; i < 3; i++)
            Assert.That(grad[i * 3 + i], Is.EqualTo(expectedGrad[i]).Within(1e-6f), $"d loss / d kernel[{i},{i}]");
    }

    [Test]
    public void BinaryCrossentropy_OnProbabilitiesFromElsewhere_ClipsAsKeras()
    {
        using var scope = TensorScope.Begin();
        var p = Tensor.FromArray(new[] { 0f }, new Shape(1, 1));
        var y = Tensor.FromArray(new[] { 1f }, new Shape(1, 1));
        var loss = new BinaryCrossentropy().Call(y, p).ToScalar();
        Assert.That(loss, Is.EqualTo(-Math.Log(1e-7)).Within(1e-3));
    }
}
