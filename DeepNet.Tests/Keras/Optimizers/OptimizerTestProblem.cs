using DeepNet.Keras;
using DeepNet.Keras.Optimizers;

namespace DeepNet.Tests.Keras.Optimizers;

/// <summary>
/// The small fixed problem the optimizer tests share: one variable of five values and three
/// gradients, run through an optimizer, with float64 expectations written out per test.
/// </summary>
internal static class OptimizerTestProblem
{
    public static readonly float[] Initial = { 0.5f, -1.2f, 2.0f, 0.0f, -0.3f };

    public static readonly float[][] Gradients =
    {
        new[] { 0.1f, -0.4f, 1.5f, 0.0f, -2.0f },
        new[] { -0.3f, 0.2f, 0.8f, 0.5f, -1.0f },
        new[] { 0.25f, -0.6f, -0.9f, 0.05f, 0.7f },
    };

    /// <summary>A float64 copy of float32 data (the exact values the kernel sees).</summary>
    public static double[] Widen(float[] values) => values.Select(v => (double)v).ToArray();

    public static Variable NewVariable(float[] values, string path = "dense/kernel")
    {
        string name = path[(path.LastIndexOf('/') + 1)..];
        return new Variable(Tensor.FromArray(values), name) { Path = path };
    }

    /// <summary>Applies each gradient in turn; returns the variable after every step.</summary>
    public static float[][] Run(Optimizer optimizer, float[]? initial = null, float[][]? gradients = null)
    {
        gradients ??= Gradients;
        using var variable = NewVariable(initial ?? Initial);
        var after = new float[gradients.Length][];
        for (int s = 0; s < gradients.Length; s++)
        {
            using var g = Tensor.FromArray(gradients[s]);
            optimizer.ApplyGradients(new[] { g }, new[] { variable });
            after[s] = variable.ToArray();
        }
        return after;
    }

    /// <summary>Compares each step to 1e-6 (absolute + relative), naming step and index on failure.</summary>
    public static void AssertSteps(IReadOnlyList<double[]> expected, float[][] actual, double tolerance = 1e-6)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Count), "number of steps");
        for (int s = 0; s < expected.Count; s++) AssertClose(expected[s], actual[s], $"step {s + 1}", tolerance);
    }

    public static void AssertClose(double[] expected, float[] actual, string what, double tolerance = 1e-6) =>
        AllClose.Assert(actual, expected, tolerance, tolerance, what);
}
