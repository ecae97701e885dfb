using DeepNet.Autograd;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Memory;
using DeepNet.Tests.Autograd;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>
/// Checks a built layer against a float64 reference written in the test: the float32 output, and
/// the tape's gradients with respect to the input and every trainable weight against central finite
/// differences of L = Σ w ⊙ f(x, weights) computed in float64 (w random, so each output matters).
/// </summary>
internal static class ConvolutionalLayerCheck
{
    /// <param name="reference">Float64 forward: (input, weights in Keras order) → output, row-major.</param>
    /// <param name="mask">A mask (1 keep, 0 drop) handed to the layer's Call, or null.</param>
    public static void Check(string name, Layer layer, int[] inputShape, Func<double[], double[][], double[]> reference,
        bool training = false, int seed = 1, double tolerance = 2e-3, double step = 1e-5, float[]? mask = null)
    {
        var rng = new Random(seed);
        layer.EnsureBuilt(KerasShape.Of(new Shape(inputShape)));
        var weights = layer.Weights;
        // Random weights (rounded to float32) so zero biases and unit scales do not hide mistakes.
        var w64 = new double[weights.Count][];
        for (int i = 0; i < w64.Length; i++)
        {
            bool positive = weights[i].Path.EndsWith("moving_variance", StringComparison.Ordinal);
            w64[i] = Round(positive ? GradientCheck.Uniform(rng, weights[i].Shape.Size, 0.5, 1.5) : GradientCheck.Uniform(rng, weights[i].Shape.Size));
            weights[i].Assign(Array.ConvertAll(w64[i], v => (float)v));
        }
        var x64 = Round(GradientCheck.Uniform(rng, new Shape(inputShape).Size));

        var expected = reference(x64, w64);
        var mix = GradientCheck.Uniform(rng, expected.Length, 0.5, 1.5);
        for (int i = 0; i < mix.Length; i++) if (rng.Next(2) == 0) mix[i] = -mix[i];

        var trainable = Enumerable.Range(0, weights.Count).Where(i => weights[i].Trainable).ToArray();
        float[] actual;
        float[][] gradients;
        using (TensorScope.Begin())
        {
            var x = GradientCheck.ToTensor(x64, new Shape(inputShape));
            using var tape = new GradientTape();
            var y = mask is null ? layer.Apply(x, training) : layer.Call(x, training, Tensor.FromArray(mask, new Shape(inputShape[..^1])));
            Assert.That(y.Size, Is.EqualTo(expected.Length), $"{name}: output {y.Shape} has {y.Size} elements, the reference {expected.Length}");
            var loss = DeepNet.Ops.Sum(DeepNet.Ops.Multiply(y, GradientCheck.ToTensor(mix, y.Shape)));
            var sources = new[] { x }.Concat(trainable.Select(i => weights[i].Value)).ToArray();
            var grads = tape.Gradient(loss, sources);
            actual = y.ToArray();
            gradients = Array.ConvertAll(grads, g => g.ToArray());
        }
        GradientCheck.AssertClose($"{name} forward", expected, actual, tolerance);

        GradientCheck.AssertClose($"{name} gradient of the input", FiniteDifferences.Gradient(x64, () => Dot(mix, reference(x64, w64)), step), gradients[0], tolerance);
        for (int k = 0; k < trainable.Length; k++)
        {
            var wk = w64[trainable[k]];
            GradientCheck.AssertClose($"{name} gradient of {weights[trainable[k]].Path}", FiniteDifferences.Gradient(wk, () => Dot(mix, reference(x64, w64)), step), gradients[k + 1], tolerance);
        }
    }

    private static double[] Round(double[] v) => Array.ConvertAll(v, e => (double)(float)e);

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>Adds a per-channel bias over the last axis.</summary>
    public static double[] AddBias(double[] y, double[] bias)
    {
        var r = (double[])y.Clone();
        for (int i = 0; i < r.Length; i++) r[i] += bias[i % bias.Length];
        return r;
    }

    /// <summary>Moves axis 1 (channels_first) to the end, for a row-major array of <paramref name="shape"/>.</summary>
    public static double[] ToChannelsLast(double[] x, int[] shape)
    {
        int n = shape[0], c = shape[1], inner = 1;
        for (int i = 2; i < shape.Length; i++) inner *= shape[i];
        var r = new double[x.Length];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int s = 0; s < inner; s++)
                    r[(b * inner + s) * c + ch] = x[(b * c + ch) * inner + s];
        return r;
    }

    /// <summary>Moves the last axis to axis 1; <paramref name="shape"/> is the channels_last shape.</summary>
    public static double[] ToChannelsFirst(double[] x, int[] shape)
    {
        int n = shape[0], c = shape[^1], inner = 1;
        for (int i = 1; i < shape.Length - 1; i++) inner *= shape[i];
        var r = new double[x.Length];
        for (int b = 0; b < n; b++)
            for (int s = 0; s < inner; s++)
                for (int ch = 0; ch < c; ch++)
                    r[(b * c + ch) * inner + s] = x[(b * inner + s) * c + ch];
        return r;
    }
}
