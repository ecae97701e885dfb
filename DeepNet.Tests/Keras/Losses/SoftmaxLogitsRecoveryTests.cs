using DeepNet.Autograd;
using DeepNet.Keras.Losses;
using DeepNet.Memory;

namespace DeepNet.Tests.Keras.Losses;

/// <summary>
/// Cross-entropy given the direct output of a softmax computes from the logits, as Keras's
/// TensorFlow backend does, so a confidently wrong sample still has a gradient.
/// </summary>
public class SoftmaxLogitsRecoveryTests
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
}
