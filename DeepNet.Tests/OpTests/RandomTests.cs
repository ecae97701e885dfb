using DeepNet.Autograd;
using DeepNet.Memory;

namespace DeepNet.Tests.OpTests;

public class RandomTests
{
    [Test]
    public void RandomUniform_SameSeedAndOffset_SameValuesInRange()
    {
        using var scope = TensorScope.Begin();
        var a = DeepNet.Ops.RandomUniform(new Shape(100), -2f, 3f, seed: 7, offset: 0).ToArray();
        var b = DeepNet.Ops.RandomUniform(new Shape(100), -2f, 3f, seed: 7, offset: 0).ToArray();
        var c = DeepNet.Ops.RandomUniform(new Shape(100), -2f, 3f, seed: 7, offset: 100).ToArray();
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
        Assert.That(a, Is.All.InRange(-2f, 3f));
    }

    [Test]
    public void RandomNormalAndTruncatedNormal_HaveRoughlyTheRequestedMoments()
    {
        using var scope = TensorScope.Begin();
        var n = DeepNet.Ops.RandomNormal(new Shape(4000), 1f, 2f, seed: 3).ToArray();
        Assert.That(n.Average(), Is.EqualTo(1.0).Within(0.15));
        Assert.That(Math.Sqrt(n.Select(v => (v - 1.0) * (v - 1.0)).Average()), Is.EqualTo(2.0).Within(0.15));
        var t = DeepNet.Ops.TruncatedNormal(new Shape(4000), 0f, 0.5f, seed: 4).ToArray();
        Assert.That(t, Is.All.InRange(-1f, 1f));
    }

    [Test]
    public void Dropout_GradientUsesTheSameMask()
    {
        using var scope = TensorScope.Begin();
        var x = DeepNet.Ops.RandomUniform(new Shape(20, 10), 1f, 2f, seed: 1);
        using var tape = new GradientTape();
        var y = DeepNet.Ops.Dropout(x, 0.4f, seed: 5, offset: 0);
        var grad = tape.Gradient(y, x)[0].ToArray();
        var xs = x.ToArray();
        var ys = y.ToArray();
        int dropped = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            float mask = ys[i] / xs[i];
            Assert.That(mask, Is.EqualTo(0f).Or.EqualTo(1f / 0.6f).Within(1e-5f), $"element {i}");
            Assert.That(grad[i], Is.EqualTo(mask).Within(1e-5f), $"gradient {i}");
            if (ys[i] == 0f) dropped++;
        }
        Assert.That(dropped, Is.InRange(40, 120), "about 40% of 200 dropped");
    }

    [Test]
    public void Dropout_RateZeroIsIdentity_RateOneIsZeros()
    {
        using var scope = TensorScope.Begin();
        var x = DeepNet.Ops.RandomUniform(new Shape(50), seed: 2);
        Assert.That(DeepNet.Ops.Dropout(x, 0f, seed: 1).ToArray(), Is.EqualTo(x.ToArray()));
        Assert.That(DeepNet.Ops.Dropout(x, 1f, seed: 1).ToArray(), Is.All.EqualTo(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeepNet.Ops.Dropout(x, 1.5f));
    }
}
