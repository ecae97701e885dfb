using DeepNet.Keras;
using DeepNet.Keras.Optimizers;
using static DeepNet.Tests.Keras.Optimizers.OptimizerTestProblem;

namespace DeepNet.Tests.Keras.Optimizers;

/// <summary>
/// What the base does to gradients before the rule (keras-compat §5.2 and base_optimizer.py):
/// loss-scale unscaling, accumulation, clipping (clipnorm per tensor, global_clipnorm, clipvalue)
/// and weight decay. Plain SGD with lr = 1 makes the applied gradient visible as w_before − w_after.
/// </summary>
public class OptimizerGradientProcessingTests
{
    private static readonly float[] W0 = { 1f, 2f, 3f, 4f };
    private static readonly float[] G0 = { 3f, -4f, 0.5f, 0f };
    private static readonly float[] W1 = { -1f, 0.5f };
    private static readonly float[] G1 = { 12f, 0f };

    private static double Norm(float[] g) => Math.Sqrt(g.Sum(x => (double)x * x));

    /// <summary>One SGD(lr=1) step over two variables; returns the gradients that were applied.</summary>
    private static (float[] First, float[] Second) AppliedGradients(Optimizer optimizer)
    {
        using var a = NewVariable(W0, "dense/kernel");
        using var b = NewVariable(W1, "dense/bias");
        using var ga = Tensor.FromArray(G0);
        using var gb = Tensor.FromArray(G1);
        optimizer.ApplyGradients(new[] { ga, gb }, new[] { a, b });
        var wa = a.ToArray();
        var wb = b.ToArray();
        return (W0.Select((w, i) => w - wa[i]).ToArray(), W1.Select((w, i) => w - wb[i]).ToArray());
    }

    private static double[] Expected(float[] g, double scale) => g.Select(x => x * scale).ToArray();

    [Test]
    public void Clipnorm_EachTensorRescaledToTheNorm()
    {
        double c = 2.0;
        var (first, second) = AppliedGradients(new SGD(learningRate: 1.0, clipnorm: c));
        // Keras: g·c / max(‖g‖, c), per tensor.
        AssertClose(Expected(G0, c / Math.Max(Norm(G0), c)), first, "kernel gradient");
        AssertClose(Expected(G1, c / Math.Max(Norm(G1), c)), second, "bias gradient");
    }

    [Test]
    public void Clipnorm_BelowTheLimit_LeavesGradientsAlone()
    {
        var (first, second) = AppliedGradients(new SGD(learningRate: 1.0, clipnorm: 100.0));
        AssertClose(Expected(G0, 1), first, "kernel gradient");
        AssertClose(Expected(G1, 1), second, "bias gradient");
    }

    [Test]
    public void GlobalClipnorm_AllTensorsRescaledTogether()
    {
        double c = 5.0;
        double global = Math.Sqrt(Norm(G0) * Norm(G0) + Norm(G1) * Norm(G1));
        double scale = c * Math.Min(1 / global, 1 / c);
        var (first, second) = AppliedGradients(new SGD(learningRate: 1.0, globalClipnorm: c));
        AssertClose(Expected(G0, scale), first, "kernel gradient");
        AssertClose(Expected(G1, scale), second, "bias gradient");
    }

    [Test]
    public void Clipvalue_ClipsEachElement()
    {
        double c = 1.0;
        var (first, second) = AppliedGradients(new SGD(learningRate: 1.0, clipvalue: c));
        AssertClose(G0.Select(x => Math.Clamp(x, -c, c)).ToArray(), first, "kernel gradient");
        AssertClose(G1.Select(x => Math.Clamp(x, -c, c)).ToArray(), second, "bias gradient");
    }

    [Test]
    public void Clipnorm_IsAppliedBeforeTheRule_WithAdam()
    {
        // Adam's first step moves each element by ≈ lr·sign(g) whatever the scale; the second
        // step shows the clipped magnitudes through m/√v.
        double c = 0.5, lr = (float)0.01, b1 = (float)0.9, b2 = (float)0.999, eps = (float)1e-7;
        var m = new double[W0.Length];
        var v = new double[W0.Length];
        var w = Widen(W0);
        var expected = new List<double[]>();
        var gradients = new[] { G0, new[] { 0.1f, 0.2f, -0.3f, 0.4f } };
        for (int t = 1; t <= 2; t++)
        {
            var g = gradients[t - 1];
            double scale = c / Math.Max(Norm(g), c);
            double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            for (int i = 0; i < w.Length; i++)
            {
                double gi = g[i] * scale;
                m[i] += (gi - m[i]) * (1 - b1);
                v[i] += (gi * gi - v[i]) * (1 - b2);
                w[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + eps);
            }
            expected.Add((double[])w.Clone());
        }
        AssertSteps(expected, Run(new Adam(learningRate: 0.01, clipnorm: c), W0, gradients));
    }

    [Test]
    public void LossScaleFactor_DividesGradients()
    {
        var (first, second) = AppliedGradients(new SGD(learningRate: 1.0, lossScaleFactor: 4.0));
        AssertClose(Expected(G0, 0.25), first, "kernel gradient");
        AssertClose(Expected(G1, 0.25), second, "bias gradient");
    }

    [Test]
    public void ScaleLoss_MultipliesByTheFactor_OrReturnsTheLoss()
    {
        using var loss = Tensor.Scalar(1.5f);
        using var scaled = new SGD(lossScaleFactor: 4.0).ScaleLoss(loss);
        Assert.That(scaled.ToScalar(), Is.EqualTo(6f));
        Assert.That(new SGD().ScaleLoss(loss), Is.SameAs(loss));
    }

    [Test]
    public void GradientAccumulation_UpdatesEveryNCallsWithTheMeanGradient()
    {
        var sgd = new SGD(learningRate: 0.5, gradientAccumulationSteps: 2);
        var after = Run(sgd);
        double lr = (float)0.5;
        var g = Gradients.Select(Widen).ToArray();
        var w = Widen(Initial);
        var expected = new List<double[]> { (double[])w.Clone() };
        for (int i = 0; i < w.Length; i++) w[i] -= lr * (g[0][i] + g[1][i]) / 2;
        expected.Add((double[])w.Clone());
        expected.Add((double[])w.Clone()); // third call only accumulates
        AssertSteps(expected, after);
        Assert.That(sgd.Iterations, Is.EqualTo(1), "Iterations counts real updates");
    }

    [Test]
    public void GradientAccumulation_AdamStepCountsRealUpdates()
    {
        // Four calls with 2-step accumulation are two Adam updates with t = 1 and t = 2.
        var gradients = new[] { Gradients[0], Gradients[1], Gradients[2], Gradients[0] };
        var after = Run(new Adam(learningRate: 0.1, gradientAccumulationSteps: 2), gradients: gradients);
        double lr = (float)0.1, b1 = (float)0.9, b2 = (float)0.999, eps = (float)1e-7;
        var w = Widen(Initial);
        var m = new double[w.Length];
        var v = new double[w.Length];
        for (int t = 1; t <= 2; t++)
        {
            double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            for (int i = 0; i < w.Length; i++)
            {
                double g = ((double)gradients[2 * t - 2][i] + gradients[2 * t - 1][i]) / 2;
                m[i] += (g - m[i]) * (1 - b1);
                v[i] += (g * g - v[i]) * (1 - b2);
                w[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + eps);
            }
        }
        AssertClose(w, after[3], "after four calls");
    }

    [Test]
    public void ExcludeFromWeightDecay_ByName_SkipsThoseVariables()
    {
        var sgd = new SGD(learningRate: 1.0, weightDecay: 0.5);
        sgd.ExcludeFromWeightDecay(varNames: new[] { "bias" });
        using var a = NewVariable(W0, "dense/kernel");
        using var b = NewVariable(W1, "dense/bias");
        using var ga = Tensor.FromArray(new float[W0.Length]);
        using var gb = Tensor.FromArray(new float[W1.Length]);
        sgd.ApplyGradients(new[] { ga, gb }, new[] { a, b });
        AssertClose(W0.Select(x => x - 0.5 * x).ToArray(), a.ToArray(), "decayed kernel");
        AssertClose(Widen(W1), b.ToArray(), "excluded bias");
    }

    [Test]
    public void ExcludeFromWeightDecay_AfterBuild_Throws()
    {
        var sgd = new SGD(weightDecay: 0.1);
        Run(sgd);
        Assert.That(() => sgd.ExcludeFromWeightDecay(varNames: new[] { "bias" }),
            Throws.InvalidOperationException.With.Message.Contains("before the optimizer is built"));
    }

    [Test]
    public void NullGradient_LeavesItsVariableAlone()
    {
        var sgd = new SGD(learningRate: 1.0);
        using var a = NewVariable(W0, "dense/kernel");
        using var b = NewVariable(W1, "dense/bias");
        using var gb = Tensor.FromArray(G1);
        sgd.ApplyGradients(new Tensor[] { null!, gb }, new[] { a, b });
        AssertClose(Widen(W0), a.ToArray(), "kernel without gradient");
        AssertClose(W1.Select((w, i) => (double)w - G1[i]).ToArray(), b.ToArray(), "bias");
    }
}
