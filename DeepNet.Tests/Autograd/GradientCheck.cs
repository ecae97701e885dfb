using DeepNet.Autograd;
using DeepNet.Backends;
using DeepNet.Memory;

namespace DeepNet.Tests.Autograd;

/// <summary>
/// Checks an op against an independent float64 forward written in the test: the float32 output
/// against the float64 one, and the tape's float32 gradient against central finite differences of
/// L(x) = Σ w ⊙ f(x) computed entirely in float64, with a random weighting w so every output
/// element matters.
/// </summary>
internal static class GradientCheck
{
    /// <summary>Uniform values in [low, high).</summary>
    public static double[] Uniform(Random rng, long count, double low = -1, double high = 1)
    {
        var v = new double[count];
        for (long i = 0; i < count; i++) v[i] = low + (high - low) * rng.NextDouble();
        return v;
    }

    /// <summary>Uniform values whose magnitude lies in [min, max), sign random (keeps away from kinks at 0).</summary>
    public static double[] AwayFromZero(Random rng, long count, double min = 0.2, double max = 1.5)
    {
        var v = new double[count];
        for (long i = 0; i < count; i++) v[i] = (rng.Next(2) == 0 ? -1 : 1) * (min + (max - min) * rng.NextDouble());
        return v;
    }

    public static Tensor ToTensor(double[] values, Shape shape)
    {
        var f = new float[values.Length];
        for (int i = 0; i < f.Length; i++) f[i] = (float)values[i];
        return Tensor.FromArray(f, shape, Backend.Cpu);
    }

    /// <summary>
    /// Runs the check. <paramref name="op"/> gets float32 tensors of <paramref name="shapes"/>
    /// holding <paramref name="inputs"/> (random in [-1, 1) when null); <paramref name="reference"/>
    /// gets the same values in float64 and must return the output in row-major order.
    /// <paramref name="wrt"/> lists the inputs to differentiate (default: all).
    /// </summary>
    public static void Check(
        string name,
        Func<Tensor[], Tensor> op,
        Func<double[][], double[]> reference,
        Shape[] shapes,
        double[][]? inputs = null,
        int seed = 1,
        int[]? wrt = null,
        double tolerance = 2e-3,
        double step = 1e-5)
    {
        var rng = new Random(seed);
        inputs ??= Array.ConvertAll(shapes, s => Uniform(rng, s.Size));
        for (int i = 0; i < shapes.Length; i++)
            Assert.That(inputs[i].Length, Is.EqualTo(shapes[i].Size), $"{name}: input {i} has the wrong length for {shapes[i]}");
        wrt ??= Enumerable.Range(0, shapes.Length).ToArray();

        // Round the inputs to float32 first so both sides see the same values.
        var x64 = new double[inputs.Length][];
        for (int i = 0; i < inputs.Length; i++) x64[i] = Array.ConvertAll(inputs[i], v => (double)(float)v);

        var expected = reference(x64);
        var w = Uniform(rng, expected.Length, 0.5, 1.5);
        for (int i = 0; i < w.Length; i++) if (rng.Next(2) == 0) w[i] = -w[i];

        float[] actual;
        float[][] gradients;
        using (TensorScope.Begin())
        {
            var xs = new Tensor[shapes.Length];
            for (int i = 0; i < xs.Length; i++) xs[i] = ToTensor(x64[i], shapes[i]);
            using var tape = new GradientTape();
            var y = op(xs);
            Assert.That(y.Size, Is.EqualTo(expected.Length), $"{name}: output {y.Shape} has {y.Size} elements, the reference {expected.Length}");
            var weights = ToTensor(w, y.Shape);
            var loss = DeepNet.Ops.Sum(DeepNet.Ops.Multiply(y, weights));
            var sources = Array.ConvertAll(wrt, i => xs[i]);
            var grads = tape.Gradient(loss, sources);
            actual = y.ToArray();
            gradients = Array.ConvertAll(grads, g => g.ToArray());
            for (int k = 0; k < wrt.Length; k++)
                Assert.That(grads[k].Shape, Is.EqualTo(shapes[wrt[k]]), $"{name}: gradient {wrt[k]} shape");
        }

        AssertClose($"{name} forward", expected, actual, tolerance);

        for (int k = 0; k < wrt.Length; k++)
        {
            int i = wrt[k];
            var numeric = FiniteDifferences.Gradient(x64[i], () => Dot(w, reference(x64)), step);
            AssertClose($"{name} gradient of input {i}", numeric, gradients[k], tolerance);
        }
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>|actual − expected| ≤ tol·(scale + |expected|), scale = max(1, max|expected|)/10; reports the first misses.</summary>
    public static void AssertClose(string what, double[] expected, float[] actual, double tolerance = 2e-3)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: element count");
        double scale = 0.1;
        foreach (var e in expected) scale = Math.Max(scale, Math.Abs(e) / 10);
        var misses = new List<string>();
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            if (!(diff <= tolerance * (scale + Math.Abs(expected[i]))) && misses.Count < 5)
                misses.Add($"[{i}] expected {expected[i]:G9}, actual {actual[i]:G9}");
        }
        Assert.That(misses, Is.Empty, $"{what}: {string.Join("; ", misses)}");
    }

    public static void AssertClose(string what, float[] expected, float[] actual, double tolerance = 2e-3) =>
        AssertClose(what, Array.ConvertAll(expected, v => (double)v), actual, tolerance);
}
