namespace DeepNet.Tests.Keras;

/// <summary>Small helpers shared by the Keras tests: seeded host data and tolerant comparisons.</summary>
internal static class KerasTestUtil
{
    /// <summary>A float32 tensor of uniform values in [-1, 1) from a seeded host generator.</summary>
    public static Tensor Random(int seed, params int[] shape)
    {
        var s = new Shape(shape);
        return Tensor.FromArray(RandomArray(seed, checked((int)s.Size)), s);
    }

    /// <summary>n uniform values in [-1, 1) from a seeded host generator.</summary>
    public static float[] RandomArray(int seed, int n)
    {
        var rng = new Random(seed);
        var data = new float[n];
        for (int i = 0; i < n; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return data;
    }

    /// <summary>Asserts |actual − expected| ≤ atol + rtol·|expected| everywhere, naming the first bad index.</summary>
    public static void AssertClose(IReadOnlyList<float> actual, IReadOnlyList<double> expected, double atol = 1e-5, double rtol = 1e-5) =>
        AllClose.Assert(actual, expected, atol, rtol, "values");

    public static void AssertClose(IReadOnlyList<float> actual, IReadOnlyList<float> expected, double atol = 1e-5, double rtol = 1e-5) =>
        AssertClose(actual, expected.Select(v => (double)v).ToArray(), atol, rtol);
}
