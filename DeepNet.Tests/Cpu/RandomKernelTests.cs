using DeepNet.Backends.Cpu;
using DeepNet.Randomness;

namespace DeepNet.Tests.Cpu;

/// <summary>
/// Philox4x32-10 against the Random123 known answers, the CPU random kernels against the
/// per-element definition in <see cref="RandomStream"/>, their statistics, and their independence
/// from thread count and chunking.
/// </summary>
public class RandomKernelTests
{
    private CpuBackend _cpu = null!;

    [SetUp]
    public void SetUp() => _cpu = new CpuBackend(threads: 2);

    // Random123 kat_vectors, "philox4x32 10": counter words, key words, expected output words.
    [TestCase(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u,
        0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [TestCase(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
        0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [TestCase(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u,
        0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Philox4x32_Random123KnownAnswers_Match(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1,
        uint x0, uint x1, uint x2, uint x3)
    {
        var block = Philox4x32.Generate(k0, k1, c0, c1, c2, c3);
        Assert.That(new[] { block.X0, block.X1, block.X2, block.X3 }, Is.EqualTo(new[] { x0, x1, x2, x3 }),
            $"got {block.X0:x8} {block.X1:x8} {block.X2:x8} {block.X3:x8}");
        // The 64-bit key overload puts k0 in the low word.
        Assert.That(Philox4x32.Generate(((ulong)k1 << 32) | k0, c0, c1, c2, c3), Is.EqualTo(block));
    }

    [Test]
    public void ToUniform_UsesTop24Bits()
    {
        Assert.That(RandomStream.ToUniform(0u), Is.EqualTo(0f));
        Assert.That(RandomStream.ToUniform(0xffffffffu), Is.EqualTo(1f - 1f / 16777216f));
        Assert.That(RandomStream.ToUniform(0x80000000u), Is.EqualTo(0.5f));
        Assert.That(RandomStream.ToUniform(0x000000ffu), Is.EqualTo(0f), "low 8 bits are dropped");
    }

    public enum Kind { Uniform, Normal, Truncated, Dropout }

    private float[] Draw(CpuBackend backend, Kind kind, int n, ulong seed, ulong offset, float a = 0f, float b = 1f)
    {
        using var y = Tensor.Empty(new Shape(n), DType.Float32, backend);
        switch (kind)
        {
            case Kind.Uniform: backend.RandomUniform(y, seed, offset, a, b); break;
            case Kind.Normal: backend.RandomNormal(y, seed, offset, a, b); break;
            case Kind.Truncated: backend.TruncatedNormal(y, seed, offset, a, b); break;
            default: backend.DropoutMask(y, seed, offset, a); break;
        }
        return y.ToArray();
    }

    private static float Definition(Kind kind, ulong seed, ulong e, float a, float b) => kind switch
    {
        Kind.Uniform => RandomStream.ScaleUniform(RandomStream.Uniform(seed, e), a, b),
        Kind.Normal => RandomStream.Affine(RandomStream.Normal(seed, e), a, b),
        Kind.Truncated => RandomStream.Affine(RandomStream.TruncatedNormal(seed, e), a, b),
        _ => RandomStream.Dropout(seed, e, a),
    };

    // Odd size, offset not a multiple of 4, and more than one parallel chunk.
    [TestCase(Kind.Uniform, -1f, 3f)]
    [TestCase(Kind.Normal, 0.5f, 2f)]
    [TestCase(Kind.Truncated, -1f, 0.25f)]
    [TestCase(Kind.Dropout, 0.3f, 0f)]
    public void RandomKernels_MatchPerElementDefinition(Kind kind, float a, float b)
    {
        const int n = 40_003;
        const ulong seed = 0x1234_5678_9abc_def0, offset = 7;
        var y = Draw(_cpu, kind, n, seed, offset, a, b);
        var expected = new float[n];
        for (int i = 0; i < n; i++) expected[i] = Definition(kind, seed, offset + (ulong)i, a, b);
        AssertBitIdentical(expected, y, kind.ToString());
    }

    [TestCase(Kind.Uniform)]
    [TestCase(Kind.Normal)]
    [TestCase(Kind.Truncated)]
    [TestCase(Kind.Dropout)]
    public void RandomKernels_OneThreadAndTwoThreads_BitIdentical(Kind kind)
    {
        const int n = 50_003; // four parallel chunks
        float a = kind == Kind.Dropout ? 0.5f : 0f;
        var one = Draw(new CpuBackend(threads: 1), kind, n, 42, 3, a, 1f);
        var two = Draw(new CpuBackend(threads: 2), kind, n, 42, 3, a, 1f);
        AssertBitIdentical(one, two, $"{kind} on one and two threads");
    }

    [TestCase(Kind.Uniform)]
    [TestCase(Kind.Normal)]
    [TestCase(Kind.Truncated)]
    [TestCase(Kind.Dropout)]
    public void RandomKernels_SplitDrawWithOffsetInElements_EqualsOneDraw(Kind kind)
    {
        float a = kind == Kind.Dropout ? 0.5f : 0f;
        var whole = Draw(_cpu, kind, 1000, 9, 0, a, 1f);
        var first = Draw(_cpu, kind, 300, 9, 0, a, 1f);
        var second = Draw(_cpu, kind, 700, 9, 300, a, 1f);
        AssertBitIdentical(whole, first.Concat(second).ToArray(), $"{kind} drawn as 300 + 700");
    }

    [Test]
    public void RandomUniform_DifferentSeeds_Differ()
    {
        var a = Draw(_cpu, Kind.Uniform, 10_000, 1, 0);
        var b = Draw(_cpu, Kind.Uniform, 10_000, 2, 0);
        int same = 0;
        for (int i = 0; i < a.Length; i++) same += a[i] == b[i] ? 1 : 0;
        Assert.That(same, Is.LessThan(10));
    }

    [Test]
    public void RandomUniform_LargeDraw_InRangeWithUniformMoments()
    {
        const float low = -2f, high = 3f;
        var y = Draw(_cpu, Kind.Uniform, 1 << 18, 123, 0, low, high);
        Assert.That(y.Min(), Is.GreaterThanOrEqualTo(low));
        Assert.That(y.Max(), Is.LessThan(high));
        var (mean, variance) = Moments(y);
        // Uniform(−2, 3): mean 0.5, variance 25/12; standard error of the mean ≈ 0.003.
        Assert.That(mean, Is.EqualTo(0.5).Within(0.015));
        Assert.That(variance, Is.EqualTo(25.0 / 12).Within(0.02 * 25 / 12));
    }

    [Test]
    public void RandomUniform_RangeRoundingUp_StaysBelowHigh()
    {
        // With u close to 1, low + (high − low)·u rounds to high for this range: must stay below.
        Assert.That(RandomStream.ScaleUniform(1f - 1f / 16777216f, 1e8f, 1e8f + 16f), Is.LessThan(1e8f + 16f));
        var y = Draw(_cpu, Kind.Uniform, 4096, 5, 0, 1e8f, 1e8f + 16f);
        Assert.That(y.Max(), Is.LessThan(1e8f + 16f));
        Assert.That(y.Min(), Is.GreaterThanOrEqualTo(1e8f));
    }

    [Test]
    public void RandomNormal_LargeDraw_HasMeanStddevAndOneSigmaMass()
    {
        const float mean = 1.5f, stddev = 2f;
        var y = Draw(_cpu, Kind.Normal, 1 << 18, 77, 11, mean, stddev);
        var (m, v) = Moments(y);
        // Standard error of the mean: 2/512 ≈ 0.004; of the variance ≈ 4·√(2/n) ≈ 0.011.
        Assert.That(m, Is.EqualTo(mean).Within(0.02));
        Assert.That(v, Is.EqualTo(stddev * stddev).Within(0.06));
        double inside = y.Count(x => Math.Abs(x - mean) <= stddev) / (double)y.Length;
        Assert.That(inside, Is.EqualTo(0.682689).Within(0.005));
    }

    [Test]
    public void TruncatedNormal_LargeDraw_AllWithinTwoSigmaWithTruncatedVariance()
    {
        const float mean = -3f, stddev = 0.5f;
        var y = Draw(_cpu, Kind.Truncated, 1 << 18, 2024, 0, mean, stddev);
        foreach (float x in y)
        {
            if (!(Math.Abs(x - mean) <= 2 * stddev * (1 + 1e-6)))
                Assert.Fail($"TruncatedNormal: {x} is outside mean ± 2σ = [{mean - 2 * stddev}, {mean + 2 * stddev}]");
        }
        var (m, v) = Moments(y);
        // Normal truncated to ±2σ: variance σ²·(1 − 2·2·φ(2)/(2Φ(2) − 1)) = σ²·(1 − 4·0.053991/0.954500) = 0.773741·σ².
        Assert.That(m, Is.EqualTo(mean).Within(0.005));
        Assert.That(v, Is.EqualTo(0.773741 * stddev * stddev).Within(0.02 * stddev * stddev));
    }

    [Test]
    public void TruncatedNormal_AcceptedValues_EqualRandomNormal()
    {
        // Round 0 is the normal stream itself: where that value is inside 2σ it is kept.
        var normal = Draw(_cpu, Kind.Normal, 5000, 8, 0, 0f, 1f);
        var truncated = Draw(_cpu, Kind.Truncated, 5000, 8, 0, 0f, 1f);
        int resampled = 0;
        for (int i = 0; i < normal.Length; i++)
        {
            if (Math.Abs(normal[i]) <= 2f) Assert.That(truncated[i], Is.EqualTo(normal[i]), $"element {i}");
            else resampled++;
        }
        Assert.That(resampled, Is.GreaterThan(100).And.LessThan(380), "about 4.55% of 5000 lie outside 2σ");
    }

    [TestCase(0.1f)]
    [TestCase(0.5f)]
    [TestCase(0.9f)]
    public void DropoutMask_KeepsOneMinusRateScaled(float rate)
    {
        var mask = Draw(_cpu, Kind.Dropout, 1 << 17, 31, 5, rate);
        float scale = 1f / (1f - rate);
        int kept = 0;
        foreach (float x in mask)
        {
            if (x == scale) kept++;
            else if (x != 0f) Assert.Fail($"DropoutMask: value {x} is neither 0 nor {scale}");
        }
        double fraction = kept / (double)mask.Length;
        Assert.That(fraction, Is.EqualTo(1 - rate).Within(0.01));
    }

    [Test]
    public void DropoutMask_RateZeroKeepsAll_RateOneDropsAll()
    {
        Assert.That(Draw(_cpu, Kind.Dropout, 1001, 3, 0, 0f), Is.All.EqualTo(1f));
        Assert.That(Draw(_cpu, Kind.Dropout, 1001, 3, 0, 1f), Is.All.EqualTo(0f));
    }

    [TestCase(-0.1f)]
    [TestCase(1.5f)]
    [TestCase(float.NaN)]
    public void DropoutMask_RateOutsideUnitInterval_Throws(float rate)
    {
        using var mask = Tensor.Empty(new Shape(4), DType.Float32, _cpu);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _cpu.DropoutMask(mask, 1, 0, rate));
        Assert.That(e!.Message, Does.Contain("DropoutMask"));
    }

    [Test]
    public void RandomUniform_HighBelowLow_Throws()
    {
        using var y = Tensor.Empty(new Shape(4), DType.Float32, _cpu);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _cpu.RandomUniform(y, 1, 0, 2f, 1f));
        Assert.That(e!.Message, Does.Contain("RandomUniform"));
    }

    [Test]
    public void RandomNormal_IntTensor_ThrowsNamingOp()
    {
        using var y = Tensor.Empty(new Shape(4), DType.Int32, _cpu);
        var e = Assert.Throws<ArgumentException>(() => _cpu.RandomNormal(y, 1, 0, 0f, 1f));
        Assert.That(e!.Message, Does.Contain("RandomNormal").And.Contain("int32"));
    }

    internal static void AssertBitIdentical(float[] expected, float[] actual, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: element count");
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static (double Mean, double Variance) Moments(float[] y)
    {
        double sum = 0;
        foreach (float x in y) sum += x;
        double mean = sum / y.Length, squares = 0;
        foreach (float x in y) squares += (x - mean) * (x - mean);
        return (mean, squares / y.Length);
    }
}
