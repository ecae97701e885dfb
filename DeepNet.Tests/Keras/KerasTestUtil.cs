namespace DeepNet.Tests.Keras;

/// <summary>Small helpers shared by the Keras tests: seeded host data and tolerant comparisons.</summary>
internal static class KerasTestUtil
{
    /// <summary>A float32 tensor of uniform values in [-1, 1) from a seeded host generator.</summary>
    public static Tensor Random(int seed, params int[] shape)
    {
        var rng = new Random(seed);
        var s = new Shape(shape);
        var data = new float[s.Size];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.FromArray(data, s);
    }

    public static float[] RandomArray(int seed, int n)
    {
        var rng = new Random(seed);
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return data;
    }

    /// <summary>Asserts |actual − expected| ≤ atol + rtol·|expected| everywhere, naming the first bad index.</summary>
    public static void AssertClose(IReadOnlyList<float> actual, IReadOnlyList<double> expected, double atol = 1e-5, double rtol = 1e-5)
    {
        Assert.That(actual.Count, Is.EqualTo(expected.Count), "element count");
        for (int i = 0; i < actual.Count; i++)
        {
            double tol = atol + rtol * Math.Abs(expected[i]);
            if (!(Math.Abs(actual[i] - expected[i]) <= tol))
                Assert.Fail($"index {i}: expected {expected[i]}, actual {actual[i]} (tolerance {tol})");
        }
    }

    public static void AssertClose(IReadOnlyList<float> actual, IReadOnlyList<float> expected, double atol = 1e-5, double rtol = 1e-5) =>
        AssertClose(actual, expected.Select(v => (double)v).ToArray(), atol, rtol);
}
