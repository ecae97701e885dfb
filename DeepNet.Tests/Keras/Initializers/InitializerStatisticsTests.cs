using DeepNet.Keras.Initializers;
using DeepNet.Keras.Utils;

namespace DeepNet.Tests.Keras.Initializers;

/// <summary>
/// The random initializers draw from the right distribution: limits, standard deviations per
/// fan mode, truncation, and the seed semantics (explicit seed ⇒ same values every call).
/// </summary>
public class InitializerStatisticsTests
{
    // Fixed draws: the statistical bounds below sit about five standard errors out, and a fixed
    // seed keeps them from ever failing by chance.
    [SetUp]
    public void FixTheSeed() => KerasRandom.SetSeed(2024);

    [TestCase(new int[0], 1, 1)]
    [TestCase(new[] { 7 }, 7, 7)]
    [TestCase(new[] { 5, 9 }, 5, 9)]
    [TestCase(new[] { 3, 3, 4, 8 }, 36, 72)]
    [TestCase(new[] { 5, 2, 6 }, 10, 30)]
    public void ComputeFans_FollowsKerasRules(int[] shape, long fanIn, long fanOut)
    {
        Assert.That(VarianceScaling.ComputeFans(new Shape(shape)), Is.EqualTo((fanIn, fanOut)));
    }

    [Test]
    public void ComputeFans_ExplicitAxes_MultiplyThoseDims()
    {
        Assert.That(VarianceScaling.ComputeFans(new Shape(2, 3, 4, 5), [0, 1], [2, 3]), Is.EqualTo((6L, 20L)));
    }

    private static double[] Values(Tensor t)
    {
        var f = t.ToArray();
        var d = new double[f.Length];
        for (int i = 0; i < f.Length; i++) d[i] = f[i];
        return d;
    }

    private static (double Mean, double Std, double MaxAbs) Stats(double[] v)
    {
        double mean = v.Average();
        double var = v.Sum(x => (x - mean) * (x - mean)) / v.Length;
        return (mean, Math.Sqrt(var), v.Max(Math.Abs));
    }

    // Uniform in ±limit: std = limit/√3. Shapes chosen so fan_in ≠ fan_out and each mode differs.
    [TestCase("glorot_uniform", 1.0, "fan_avg")]
    [TestCase("he_uniform", 2.0, "fan_in")]
    [TestCase("lecun_uniform", 1.0, "fan_in")]
    public void UniformPresets_StayWithinLimitAndHaveItsSpread(string name, double scale, string mode)
    {
        var shape = new Shape(3, 3, 20, 40);   // fan_in 180, fan_out 360
        double n = mode == "fan_in" ? 180 : (180 + 360) / 2.0;
        double limit = Math.Sqrt(3 * scale / n);
        using var t = DeepNet.Keras.Initializers.Initializers.Get(name).Call(shape);
        Assert.That(t.Shape, Is.EqualTo(shape));
        var (mean, std, maxAbs) = Stats(Values(t));
        Assert.That(maxAbs, Is.LessThanOrEqualTo(limit * (1 + 1e-6)), "values beyond the limit");
        Assert.That(maxAbs, Is.GreaterThan(limit * 0.98), "values never reach near the limit");
        Assert.That(std, Is.EqualTo(limit / Math.Sqrt(3)).Within(4).Percent);
        Assert.That(Math.Abs(mean), Is.LessThan(5 * (limit / Math.Sqrt(3)) / Math.Sqrt(shape.Size)));
    }

    // Truncated normal: stddev before truncation √(scale/n)/0.8796 so the drawn spread is √(scale/n).
    [TestCase("glorot_normal", 1.0, "fan_avg")]
    [TestCase("he_normal", 2.0, "fan_in")]
    [TestCase("lecun_normal", 1.0, "fan_in")]
    public void NormalPresets_AreTruncatedAtTwoSigmaWithKerasSpread(string name, double scale, string mode)
    {
        var shape = new Shape(3, 3, 20, 40);
        double n = mode == "fan_in" ? 180 : (180 + 360) / 2.0;
        double target = Math.Sqrt(scale / n);
        double sigma = target / 0.87962566103423978;
        using var t = DeepNet.Keras.Initializers.Initializers.Get(name).Call(shape);
        var (mean, std, maxAbs) = Stats(Values(t));
        Assert.That(maxAbs, Is.LessThanOrEqualTo(2 * sigma * (1 + 1e-5)), "values beyond 2σ");
        Assert.That(std, Is.EqualTo(target).Within(4).Percent);
        Assert.That(Math.Abs(mean), Is.LessThan(5 * target / Math.Sqrt(shape.Size)));
    }

    [TestCase("fan_in", 100.0)]
    [TestCase("fan_out", 60.0)]
    [TestCase("fan_avg", 80.0)]
    public void VarianceScaling_UntruncatedNormal_HasStddevSqrtScaleOverFan(string mode, double n)
    {
        var init = new VarianceScaling(scale: 3.0, mode: mode, distribution: "untruncated_normal");
        using var t = init.Call(new Shape(100, 60));
        var (_, std, maxAbs) = Stats(Values(t));
        double target = Math.Sqrt(3.0 / n);
        Assert.That(std, Is.EqualTo(target).Within(5).Percent);
        Assert.That(maxAbs, Is.GreaterThan(2.2 * target), "an untruncated normal of 6000 draws exceeds 2σ somewhere");
    }

    [Test]
    public void VarianceScaling_NormalDistributionName_MeansTruncated()
    {
        Assert.That(new VarianceScaling(distribution: "normal").Distribution, Is.EqualTo("truncated_normal"));
    }

    [Test]
    public void RandomUniform_StaysInRange()
    {
        using var t = new RandomUniform(-0.2, 0.6).Call(new Shape(4000));
        var v = Values(t);
        Assert.That(v.Min(), Is.GreaterThanOrEqualTo(-0.2));
        Assert.That(v.Max(), Is.LessThan(0.6));
        Assert.That(v.Average(), Is.EqualTo(0.2).Within(0.02));
    }

    [Test]
    public void RandomNormal_HasMeanAndStddev()
    {
        using var t = new RandomNormal(mean: 1.5, stddev: 0.5).Call(new Shape(80, 100));
        var (mean, std, _) = Stats(Values(t));
        Assert.That(mean, Is.EqualTo(1.5).Within(0.03));
        Assert.That(std, Is.EqualTo(0.5).Within(4).Percent);
    }

    [Test]
    public void TruncatedNormal_StaysWithinTwoStddevOfMean()
    {
        using var t = new TruncatedNormal(mean: -1.0, stddev: 0.25).Call(new Shape(8000));
        var v = Values(t);
        Assert.That(v.Min(), Is.GreaterThanOrEqualTo(-1.0 - 0.5 - 1e-6));
        Assert.That(v.Max(), Is.LessThanOrEqualTo(-1.0 + 0.5 + 1e-6));
        // A normal truncated at ±2σ keeps 0.8796σ of spread.
        Assert.That(Stats(v).Std, Is.EqualTo(0.25 * 0.87962566103423978).Within(4).Percent);
    }

    [Test]
    public void ExplicitSeed_GivesTheSameValuesEveryCallAndInstance()
    {
        var a = new GlorotUniform(seed: 7);
        using var first = a.Call(new Shape(6, 5));
        using var second = a.Call(new Shape(6, 5));
        using var other = new GlorotUniform(seed: 7).Call(new Shape(6, 5));
        using var differentSeed = new GlorotUniform(seed: 8).Call(new Shape(6, 5));
        Assert.That(second.ToArray(), Is.EqualTo(first.ToArray()));
        Assert.That(other.ToArray(), Is.EqualTo(first.ToArray()));
        Assert.That(differentSeed.ToArray(), Is.Not.EqualTo(first.ToArray()));
    }

    [Test]
    public void NoSeed_DrawsFreshValuesEachCall_ReproducibleAfterSetSeed()
    {
        var init = new HeNormal();
        KerasRandom.SetSeed(123);
        var a1 = init.Call(new Shape(4, 4)).ToArray();
        var a2 = init.Call(new Shape(4, 4)).ToArray();
        KerasRandom.SetSeed(123);
        var b1 = init.Call(new Shape(4, 4)).ToArray();
        var b2 = init.Call(new Shape(4, 4)).ToArray();
        Assert.That(a2, Is.Not.EqualTo(a1), "two unseeded calls must differ");
        Assert.That(b1, Is.EqualTo(a1));
        Assert.That(b2, Is.EqualTo(a2));
    }

    [Test]
    public void RandomInitializers_RejectIntegerDtype()
    {
        Assert.Throws<ArgumentException>(() => new GlorotUniform().Call(new Shape(2, 2), DType.Int32));
    }

    [Test]
    public void VarianceScaling_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VarianceScaling(scale: 0));
        var mode = Assert.Throws<ArgumentException>(() => new VarianceScaling(mode: "fan_sideways"));
        Assert.That(mode!.Message, Does.Contain("fan_sideways"));
        Assert.Throws<ArgumentException>(() => new VarianceScaling(distribution: "cauchy"));
    }
}
