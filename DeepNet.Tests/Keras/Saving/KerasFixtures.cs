using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Numpy;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>Paths into ../shared/fixtures/keras and helpers to run and compare the real models there.</summary>
internal static class KerasFixtures
{
    public static string File(params string[] parts) => TestPaths.SharedFile(["fixtures", "keras", .. parts]);

    /// <summary>Skips the test (with the reason) when a fixture is absent.</summary>
    public static string Require(params string[] parts)
    {
        string path = File(parts);
        if (!System.IO.File.Exists(path)) Assert.Ignore($"Fixture {path} is not available.");
        return path;
    }

    /// <summary>The first <paramref name="n"/> t10k MNIST images as float (n, 28, 28, 1), scaled by <paramref name="scale"/>.</summary>
    public static Tensor MnistFirst(int n, float scale)
    {
        var raw = Npy.Read(Require("mnist_t10k_first100_uint8.npy"));
        var pixels = raw.ToFloat32().AsSpan(0, n * 28 * 28).ToArray();
        for (int i = 0; i < pixels.Length; i++) pixels[i] *= scale;
        return Tensor.FromArray(pixels, new Shape(n, 28, 28, 1));
    }

    /// <summary>All 10,000 t10k images of ../shared/datasets/mnist as float (10000, 28, 28, 1): raw pixel values times <paramref name="scale"/>.</summary>
    public static Tensor MnistAllT10k(float scale)
    {
        string dir = TestPaths.SharedFile("datasets", "mnist");
        if (!System.IO.File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"))) Assert.Ignore($"MNIST files are not in {dir}.");
        var t10k = DeepNet.Keras.Datasets.Mnist.LoadTestOnly(dir);
        var rows = DeepNet.Keras.Datasets.Mnist.ToFloatRows(t10k, 0, t10k.Count); // pixel/255
        if (scale != 1f / 255f)
            for (int i = 0; i < rows.Length; i++) rows[i] = MathF.Round(rows[i] * 255f) * scale;
        return Tensor.FromArray(rows, new Shape(t10k.Count, 28, 28, 1));
    }

    /// <summary>Asserts |actual − expected| ≤ 1e-5 everywhere (the fixtures' float64 outputs), naming the first bad index.</summary>
    public static void AssertMatches(Tensor actual, string expectedPath)
    {
        var expected = Npy.Read(expectedPath);
        Assert.That(actual.Shape.Skip(1), Is.EqualTo(expected.Shape.Skip(1)), "output shape");
        Assert.That(actual.Shape[0], Is.LessThanOrEqualTo(expected.Shape[0]), "rows");
        // The first rows of the expected outputs (the tests may run fewer samples to stay fast).
        var rows = expected.ToFloat64().AsSpan(0, (int)actual.Shape.Size).ToArray();
        KerasTestUtil.AssertClose(actual.ToArray(), rows, atol: 1e-5, rtol: 0);
    }

    public static int[] ArgMax(Tensor probabilities)
    {
        var data = probabilities.ToArray();
        int n = probabilities.Shape[0], k = probabilities.Shape[1];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int j = 1; j < k; j++)
            {
                if (data[i * k + j] > data[i * k + best]) best = j;
            }
            labels[i] = best;
        }
        return labels;
    }

    /// <summary>Skips the test when a layer class it needs is not in the registry yet.</summary>
    public static void RequireLayers(params string[] classNames)
    {
        var missing = classNames.Where(c => !LayerRegistry.IsRegistered(c)).ToArray();
        if (missing.Length > 0) Assert.Ignore($"Layer classes not implemented yet: {string.Join(", ", missing)}.");
    }
}
