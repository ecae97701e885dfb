using DeepNet.Autograd;
using DeepNet.Backends;
using DeepNet.Memory;
using DeepNet.Tests.Autograd;

namespace DeepNet.Tests.OpTests;

public class FusedTests
{
    /// <summary>activation(x·W + b) in float64, leading axes of x as batch.</summary>
    private static double[] DenseReference(double[] x, double[] w, double[]? b, int inputs, int units, ActivationKind kind, double alpha)
    {
        int rows = x.Length / inputs;
        var y = new double[rows * units];
        for (int r = 0; r < rows; r++)
        for (int u = 0; u < units; u++)
        {
            double s = b is null ? 0 : b[u];
            for (int i = 0; i < inputs; i++) s += x[r * inputs + i] * w[i * units + u];
            y[r * units + u] = ActivationTests.Reference(kind, s, alpha);
        }
        return y;
    }

    [TestCase(ActivationKind.Linear)]
    [TestCase(ActivationKind.Relu)]
    [TestCase(ActivationKind.Sigmoid)]
    [TestCase(ActivationKind.Gelu)]
    [TestCase(ActivationKind.LeakyRelu)]
    public void Dense_WithBias_MatchesFiniteDifferences(ActivationKind kind)
    {
        float alpha = kind == ActivationKind.LeakyRelu ? 0.3f : 0f;
        GradientCheck.Check($"Dense {kind}", x => DeepNet.Ops.Dense(x[0], x[1], x[2], kind, alpha),
            x => DenseReference(x[0], x[1], x[2], 4, 3, kind, alpha), [new Shape(5, 4), new Shape(4, 3), new Shape(3)]);
    }

    [Test]
    public void Dense_Rank3InputNoBias_MatchesFiniteDifferences()
    {
        GradientCheck.Check("Dense rank 3 no bias", x => DeepNet.Ops.Dense(x[0], x[1], null, ActivationKind.Tanh),
            x => DenseReference(x[0], x[1], null, 3, 2, ActivationKind.Tanh, 0), [new Shape(2, 3, 3), new Shape(3, 2)]);
    }

    [Test]
    public void Dense_Rank1Input_MatchesFiniteDifferences()
    {
        GradientCheck.Check("Dense rank 1", x => DeepNet.Ops.Dense(x[0], x[1], x[2], ActivationKind.Swish),
            x => DenseReference(x[0], x[1], x[2], 3, 4, ActivationKind.Swish, 0), [new Shape(3), new Shape(3, 4), new Shape(4)]);
    }

    [TestCase(ActivationKind.Relu)]
    [TestCase(ActivationKind.Softplus)]
    public void Dense_MatchesMatMulAddActivationComposition(ActivationKind kind)
    {
        var rng = new Random(7);
        using var scope = TensorScope.Begin();
        var x = GradientCheck.ToTensor(GradientCheck.Uniform(rng, 2 * 3 * 5), new Shape(2, 3, 5));
        var w = GradientCheck.ToTensor(GradientCheck.Uniform(rng, 5 * 4), new Shape(5, 4));
        var b = GradientCheck.ToTensor(GradientCheck.Uniform(rng, 4), new Shape(4));
        var weights = GradientCheck.ToTensor(GradientCheck.Uniform(rng, 24), new Shape(2, 3, 4));

        (float[] Y, float[][] Grads) Run(Func<Tensor> f)
        {
            using var tape = new GradientTape();
            var y = f();
            var grads = tape.Gradient(DeepNet.Ops.Multiply(y, weights), x, w, b);
            return (y.ToArray(), Array.ConvertAll(grads, g => g.ToArray()));
        }

        var fused = Run(() => DeepNet.Ops.Dense(x, w, b, kind));
        var composed = Run(() => DeepNet.Ops.Activation(DeepNet.Ops.Add(DeepNet.Ops.MatMul(x, w), b), kind));
        GradientCheck.AssertClose($"Dense {kind} output", composed.Y, fused.Y, 1e-4);
        string[] names = ["x", "kernel", "bias"];
        for (int i = 0; i < 3; i++)
            GradientCheck.AssertClose($"Dense {kind} gradient of {names[i]}", composed.Grads[i], fused.Grads[i], 1e-4);
    }

    [Test]
    public void Dense_WrongInputFeatures_ThrowsNamingShapes()
    {
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.Dense(Tensor.Zeros(new Shape(2, 5)), Tensor.Zeros(new Shape(4, 3))));
        Assert.That(e!.Message, Does.StartWith("Dense:").And.Contain("(4, 3)").And.Contain("(2, 5)"));
        var e2 = Assert.Throws<ShapeMismatchException>(() =>
            DeepNet.Ops.Dense(Tensor.Zeros(new Shape(2, 4)), Tensor.Zeros(new Shape(4, 3)), Tensor.Zeros(new Shape(4))));
        Assert.That(e2!.Message, Does.Contain("bias (4,)"));
    }

    /// <summary>−Σ labels·log_softmax(logits) per row, in float64.</summary>
    private static double[] CrossEntropyReference(double[] logits, double[] labels, int classes)
    {
        var logp = Float64.Softmax(logits, classes, log: true);
        var loss = new double[logits.Length / classes];
        for (int i = 0; i < logits.Length; i++) loss[i / classes] -= labels[i] * logp[i];
        return loss;
    }

    /// <summary>Random rows that are probability distributions (the fused backward assumes they sum to 1).</summary>
    private static double[] Distributions(Random rng, int rows, int classes)
    {
        var p = GradientCheck.Uniform(rng, rows * classes, 0.05, 1);
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int c = 0; c < classes; c++) s += p[r * classes + c];
            for (int c = 0; c < classes; c++) p[r * classes + c] /= s;
        }
        return p;
    }

    [Test]
    public void SoftmaxCrossEntropy_LogitsAndLabels_MatchFiniteDifferences()
    {
        var rng = new Random(8);
        GradientCheck.Check("SoftmaxCrossEntropy", x => DeepNet.Ops.SoftmaxCrossEntropy(x[0], x[1]),
            x => CrossEntropyReference(x[0], x[1], 5), [new Shape(4, 5), new Shape(4, 5)],
            [GradientCheck.Uniform(rng, 20, -3, 3), Distributions(rng, 4, 5)]);
    }

    [Test]
    public void SoftmaxCrossEntropy_Rank3Logits_LossHasLeadingShape()
    {
        var rng = new Random(9);
        GradientCheck.Check("SoftmaxCrossEntropy rank 3", x =>
            {
                var loss = DeepNet.Ops.SoftmaxCrossEntropy(x[0], x[1]);
                Assert.That(loss.Shape, Is.EqualTo(new Shape(2, 3)));
                return loss;
            },
            x => CrossEntropyReference(x[0], x[1], 4), [new Shape(2, 3, 4), new Shape(2, 3, 4)],
            [GradientCheck.Uniform(rng, 24, -3, 3), Distributions(rng, 6, 4)], wrt: [0]);
    }

    [Test]
    public void SoftmaxCrossEntropy_MatchesNegativeSumOfLabelsTimesLogSoftmax()
    {
        var rng = new Random(10);
        using var scope = TensorScope.Begin();
        var logits = GradientCheck.ToTensor(GradientCheck.Uniform(rng, 18, -4, 4), new Shape(3, 6));
        var labels = GradientCheck.ToTensor(Distributions(rng, 3, 6), new Shape(3, 6));
        var weights = GradientCheck.ToTensor(GradientCheck.Uniform(rng, 3), new Shape(3));

        (float[] Loss, float[] Grad) Run(Func<Tensor> f)
        {
            using var tape = new GradientTape();
            var loss = f();
            return (loss.ToArray(), tape.Gradient(DeepNet.Ops.Multiply(loss, weights), logits)[0].ToArray());
        }

        var fused = Run(() => DeepNet.Ops.SoftmaxCrossEntropy(logits, labels));
        var composed = Run(() => DeepNet.Ops.Negate(DeepNet.Ops.Sum(DeepNet.Ops.Multiply(labels, DeepNet.Ops.LogSoftmax(logits)), [-1])));
        GradientCheck.AssertClose("SoftmaxCrossEntropy loss", composed.Loss, fused.Loss, 1e-4);
        GradientCheck.AssertClose("SoftmaxCrossEntropy gradient", composed.Grad, fused.Grad, 1e-4);
    }

    [Test]
    public void SparseSoftmaxCrossEntropy_IntLabels_MatchesFiniteDifferences()
    {
        int[] labels = [2, 0, 4, 4, 1];
        GradientCheck.Check("SparseSoftmaxCrossEntropy",
            x => DeepNet.Ops.SparseSoftmaxCrossEntropy(x[0], Tensor.FromArray(labels, new Shape(5), Backend.Cpu)),
            x =>
            {
                var oneHot = new double[25];
                for (int r = 0; r < 5; r++) oneHot[r * 5 + labels[r]] = 1;
                return CrossEntropyReference(x[0], oneHot, 5);
            },
            [new Shape(5, 5)], [GradientCheck.Uniform(new Random(11), 25, -3, 3)]);
    }

    [Test]
    public void SparseSoftmaxCrossEntropy_Int64Rank2Labels_MatchesDenseWithOneHot()
    {
        var rng = new Random(12);
        using var scope = TensorScope.Begin();
        var logits = GradientCheck.ToTensor(GradientCheck.Uniform(rng, 2 * 3 * 4, -3, 3), new Shape(2, 3, 4));
        var labels = Tensor.FromArray(new long[] { 3, 0, 1, 1, 2, 3 }, new Shape(2, 3));
        var oneHot = DeepNet.Ops.OneHot(labels, 4);

        (float[] Loss, float[] Grad) Run(Func<Tensor> f)
        {
            using var tape = new GradientTape();
            var loss = f();
            return (loss.ToArray(), tape.Gradient(loss, logits)[0].ToArray());
        }

        var sparse = Run(() => DeepNet.Ops.SparseSoftmaxCrossEntropy(logits, labels));
        var dense = Run(() => DeepNet.Ops.SoftmaxCrossEntropy(logits, oneHot));
        GradientCheck.AssertClose("SparseSoftmaxCrossEntropy loss", dense.Loss, sparse.Loss, 1e-5);
        GradientCheck.AssertClose("SparseSoftmaxCrossEntropy gradient", dense.Grad, sparse.Grad, 1e-5);
    }

    [Test]
    public void CrossEntropy_MismatchedShapes_ThrowNamingShapes()
    {
        using var scope = TensorScope.Begin();
        var logits = Tensor.Zeros(new Shape(4, 5));
        var e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.SoftmaxCrossEntropy(logits, Tensor.Zeros(new Shape(4, 3))));
        Assert.That(e!.Message, Does.StartWith("SoftmaxCrossEntropy:").And.Contain("(4, 3)").And.Contain("(4, 5)"));
        var e2 = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.SparseSoftmaxCrossEntropy(logits, Tensor.FromArray(new[] { 1, 2, 3 })));
        Assert.That(e2!.Message, Does.StartWith("SparseSoftmaxCrossEntropy:").And.Contain("(3,)"));
        Assert.Throws<ArgumentException>(() => DeepNet.Ops.SparseSoftmaxCrossEntropy(logits, Tensor.Zeros(new Shape(4))));
    }
}
