using System.Text;
using DeepNet.Backends.Cpu;

namespace DeepNet.Tests.Cpu;

/// <summary>
/// Shared helpers of the elementwise, activation, softmax and reduction kernel tests: a
/// backend, seeded random data, and one closeness check that prints the first mismatches.
/// </summary>
internal static class ElementwiseTestSupport
{
    /// <summary>Two threads, so the parallel paths run whatever the machine.</summary>
    public static readonly CpuBackend Kernels = new(threads: 2);

    /// <summary>Lengths 0..70 (every vector tail) plus sizes that cross the parallel threshold.</summary>
    public static IEnumerable<int> Lengths()
    {
        for (int n = 0; n <= 70; n++) yield return n;
        yield return 1000;
        yield return 70_001;
    }

    public static Tensor Make(float[] data, params int[] shape) => Tensor.FromArray(data, new Shape(shape), Kernels);

    public static float[] Uniform(long n, int seed, double low, double high)
    {
        var rng = new Random(seed);
        var a = new float[n];
        for (long i = 0; i < n; i++) a[i] = (float)(low + (high - low) * rng.NextDouble());
        return a;
    }

    public static double[] ToDouble(float[] a)
    {
        var d = new double[a.Length];
        for (int i = 0; i < a.Length; i++) d[i] = a[i];
        return d;
    }

    public static long SizeOf(int[] shape)
    {
        long s = 1;
        foreach (int d in shape) s *= d;
        return s;
    }

    public static string Format(int[] shape) => new Shape(shape).ToString();

    /// <summary>
    /// |actual − expected| ≤ abs + rel·|expected| elementwise, expected first rounded to float
    /// (so overflow to ±∞ is expected where float overflows); NaN must meet NaN and ±∞ the same
    /// infinity. Fails listing up to ten mismatches with index, input, expected and actual.
    /// </summary>
    public static void AssertClose(ReadOnlySpan<float> actual, double[] expected, double abs, double rel, string context, float[]? input = null)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{context}: length");
        var report = new StringBuilder();
        int bad = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i];
            float ef = (float)e, a = actual[i];
            bool ok;
            if (double.IsNaN(e)) ok = float.IsNaN(a);
            else if (float.IsInfinity(ef)) ok = a == ef;
            else ok = !float.IsNaN(a) && !float.IsInfinity(a) && Math.Abs(a - e) <= abs + rel * Math.Abs(e);
            if (ok) continue;
            if (bad++ < 10)
                report.AppendLine($"  [{i}]{(input is null ? "" : $" x={input[i]:R}")} expected {e:R}, actual {a:R}, diff {Math.Abs(a - e):E3}");
        }
        if (bad > 0) Assert.Fail($"{context}: {bad} of {expected.Length} elements differ (abs {abs}, rel {rel}):\n{report}");
    }
}
