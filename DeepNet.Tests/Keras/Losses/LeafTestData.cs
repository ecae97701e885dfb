using Newtonsoft.Json.Linq;

namespace DeepNet.Tests.Keras;

/// <summary>Random inputs and tolerant comparisons shared by the loss, metric and initializer tests.</summary>
internal static class LeafTestData
{
    /// <summary>Uniform values in [low, high), as float32 (what the tensors hold) widened to double.</summary>
    public static double[] Uniform(Random rng, int count, double low, double high)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = (float)(low + (high - low) * rng.NextDouble());
        return values;
    }

    /// <summary>Rows of positive scores normalised to sum to 1 (probabilities), row-major.</summary>
    public static double[] Probabilities(Random rng, int rows, int classes)
    {
        var p = new double[rows * classes];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += p[r * classes + c] = 0.05 + rng.NextDouble();
            for (int c = 0; c < classes; c++) p[r * classes + c] = (float)(p[r * classes + c] / sum);
        }
        return p;
    }

    /// <summary>One-hot rows for random classes; returns the classes too.</summary>
    public static (double[] OneHot, int[] Classes) OneHot(Random rng, int rows, int classes)
    {
        var oneHot = new double[rows * classes];
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            labels[r] = rng.Next(classes);
            oneHot[r * classes + labels[r]] = 1;
        }
        return (oneHot, labels);
    }

    /// <summary>Random 0/1 labels.</summary>
    public static double[] Binary(Random rng, int count)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = rng.Next(2);
        return values;
    }

    public static Tensor Tensor(double[] values, params int[] shape)
    {
        var data = new float[values.Length];
        for (int i = 0; i < data.Length; i++) data[i] = (float)values[i];
        return DeepNet.Tensor.FromArray(data, new Shape(shape));
    }

    public static Tensor IntTensor(int[] values, params int[] shape) => DeepNet.Tensor.FromArray(values, new Shape(shape));

    /// <summary>Asserts |actual − expected| ≤ abs + rel·|expected| element by element, printing the first failures.</summary>
    public static void AssertClose(float[] actual, double[] expected, double abs = 1e-5, double rel = 1e-4, string what = "") =>
        AllClose.Assert(actual, expected, abs, rel, what);

    public static void AssertClose(double actual, double expected, double abs = 1e-5, double rel = 1e-4, string what = "")
    {
        double tolerance = abs + rel * Math.Abs(expected);
        Assert.That(Math.Abs(actual - expected), Is.LessThanOrEqualTo(tolerance), $"{what}: expected {expected:R}, actual {actual:R}");
    }

    /// <summary>Deep JSON equality with both documents in the message on failure.</summary>
    public static void AssertJsonEqual(JToken actual, string expectedJson)
    {
        var expected = JToken.Parse(expectedJson);
        Assert.That(JToken.DeepEquals(actual, expected), Is.True,
            $"expected {expected.ToString(Newtonsoft.Json.Formatting.None)}\n  actual {actual.ToString(Newtonsoft.Json.Formatting.None)}");
    }
}
