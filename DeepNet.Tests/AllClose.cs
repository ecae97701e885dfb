namespace DeepNet.Tests;

/// <summary>
/// The elementwise closeness check the tests share: |actual − expected| ≤ absolute + relative·|expected|
/// everywhere, where an expected NaN asks for a NaN. A failure counts the misses and lists the first ten.
/// </summary>
internal static class AllClose
{
    public static void Assert(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, double absolute, double relative, string what)
    {
        NUnit.Framework.Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: length");
        var misses = new List<string>();
        int count = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            bool ok = double.IsNaN(e) ? double.IsNaN(a) : Math.Abs(a - e) <= absolute + relative * Math.Abs(e);
            if (ok) continue;
            count++;
            if (misses.Count < 10) misses.Add($"[{i}] expected {e:R}, actual {a:R}, tolerance {absolute + relative * Math.Abs(e):G3}");
        }
        NUnit.Framework.Assert.That(count, Is.Zero,
            $"{what}: {count} of {expected.Length} values differ (absolute {absolute:G3}, relative {relative:G3}):\n{string.Join("\n", misses)}");
    }

    public static void Assert(IReadOnlyList<float> actual, IReadOnlyList<double> expected, double absolute, double relative, string what) =>
        Assert(ToDouble(actual), [.. expected], absolute, relative, what);

    public static void Assert(IReadOnlyList<float> actual, IReadOnlyList<float> expected, double absolute, double relative, string what) =>
        Assert(ToDouble(actual), ToDouble(expected), absolute, relative, what);

    private static double[] ToDouble(IReadOnlyList<float> values)
    {
        var d = new double[values.Count];
        for (int i = 0; i < d.Length; i++) d[i] = values[i];
        return d;
    }
}
