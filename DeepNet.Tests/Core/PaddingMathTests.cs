using DeepNet.Backends;

namespace DeepNet.Tests.Core;

/// <summary>Output sizes and padding splits of keras-compat §4.4.</summary>
public class PaddingMathTests
{
    [TestCase(10, 3, 1, 1, 8, 0, 0)]
    [TestCase(10, 3, 2, 1, 4, 0, 0)]
    [TestCase(10, 3, 2, 2, 3, 0, 0)]
    [TestCase(2, 3, 1, 1, 0, 0, 0)]
    public void Valid_OutputIsCeilOfRemainderOverStride(int length, int kernel, int stride, int dilation, int output, int before, int after) =>
        Assert.That(PaddingMath.Compute(length, kernel, stride, dilation, Padding.Valid), Is.EqualTo((output, before, after)));

    [TestCase(10, 3, 1, 1, 10, 1, 1)]
    [TestCase(10, 4, 1, 1, 10, 1, 2)]   // odd total: the extra cell goes after (bottom/right)
    [TestCase(10, 3, 2, 1, 5, 0, 1)]
    [TestCase(7, 5, 3, 1, 3, 2, 2)]
    public void Same_OutputIsCeilOverStride_ExtraCellAfter(int length, int kernel, int stride, int dilation, int output, int before, int after) =>
        Assert.That(PaddingMath.Compute(length, kernel, stride, dilation, Padding.Same), Is.EqualTo((output, before, after)));

    [TestCase(10, 3, 1, 1, 10, 2, 0)]
    [TestCase(10, 3, 2, 1, 5, 2, 0)]    // Keras pads k_eff - 1 on the left whatever the stride
    [TestCase(10, 3, 3, 2, 4, 4, 0)]
    public void Causal_PadsEffectiveKernelMinusOneOnTheLeft(int length, int kernel, int stride, int dilation, int output, int before, int after) =>
        Assert.That(PaddingMath.Compute(length, kernel, stride, dilation, Padding.Causal), Is.EqualTo((output, before, after)));
}
