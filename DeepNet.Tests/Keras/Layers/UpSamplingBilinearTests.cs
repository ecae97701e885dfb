using DeepNet.Keras;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>UpSampling2D with interpolation="bilinear", as TensorFlow's resize (half-pixel centres).</summary>
public class UpSamplingBilinearTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    /// <summary>
    /// Float64 bilinear resize of (N, H, W, C) by whole factors, written per output pixel: the four
    /// input pixels around source point ((i + ½)/fy − ½, (j + ½)/fx − ½), indices clamped to the image.
    /// </summary>
    private static double[] BilinearReference(double[] x, int[] s, int fy, int fx)
    {
        int n = s[0], h = s[1], w = s[2], c = s[3], oh = h * fy, ow = w * fx;
        var y = new double[n * oh * ow * c];
        for (int b = 0; b < n; b++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double sy = (i + 0.5) / fy - 0.5, sx = (j + 0.5) / fx - 0.5;
            int y0 = (int)Math.Floor(sy), x0 = (int)Math.Floor(sx);
            double dy = sy - y0, dx = sx - x0;
            int top = Math.Clamp(y0, 0, h - 1), bottom = Math.Clamp(y0 + 1, 0, h - 1);
            int left = Math.Clamp(x0, 0, w - 1), right = Math.Clamp(x0 + 1, 0, w - 1);
            for (int ch = 0; ch < c; ch++)
            {
                double At(int r, int q) => x[((b * h + r) * w + q) * c + ch];
                y[((b * oh + i) * ow + j) * c + ch] =
                    (1 - dy) * ((1 - dx) * At(top, left) + dx * At(top, right)) + dy * ((1 - dx) * At(bottom, left) + dx * At(bottom, right));
            }
        }
        return y;
    }

    [Test]
    public void Bilinear_TwoPixelRow_MatchesTensorFlowResize()
    {
        // tf.image.resize([[0, 1]], (1, 4), "bilinear") gives [0, 0.25, 0.75, 1].
        var x = Tensor.FromArray(new[] { 0f, 1f }, new Shape(1, 1, 2, 1));
        var y = new UpSampling2D([1, 2], interpolation: "bilinear").Apply(x);
        Assert.That(y.ToArray(), Is.EqualTo(new[] { 0f, 0.25f, 0.75f, 1f }).Within(1e-6));
    }

    [TestCase(new[] { 2, 3, 4, 2 }, 2, 2, TestName = "UpSampling2D_Bilinear2x2_MatchesFloat64Reference")]
    [TestCase(new[] { 1, 2, 3, 3 }, 3, 1, TestName = "UpSampling2D_Bilinear3x1_Batch1_MatchesFloat64Reference")]
    [TestCase(new[] { 2, 1, 5, 1 }, 1, 3, TestName = "UpSampling2D_Bilinear1x3_OneRow_MatchesFloat64Reference")]
    public void BilinearForwardAndGradient(int[] input, int fy, int fx)
    {
        ConvolutionalLayerCheck.Check(TestContext.CurrentContext.Test.Name, new UpSampling2D([fy, fx], interpolation: "bilinear"), input,
            (x, _) => BilinearReference(x, input, fy, fx));
    }

    [Test]
    public void Bilinear_ChannelsFirst_MatchesChannelsLastReference()
    {
        int[] input = [2, 3, 2, 3];
        ConvolutionalLayerCheck.Check("UpSampling2D bilinear channels_first", new UpSampling2D([2, 2], "channels_first", "bilinear"), input, (x, _) =>
            ConvolutionalLayerCheck.ToChannelsFirst(BilinearReference(ConvolutionalLayerCheck.ToChannelsLast(x, input), [2, 2, 3, 3], 2, 2), [2, 4, 6, 3]));
    }

    [Test]
    public void Bilinear_ConfigRoundTripsAndTrains() =>
        LayerHarness.Run(() => new UpSampling2D([2, 3], interpolation: "bilinear"), [2, 3, 4, 2], [2, 6, 12, 2], fitStep: false);

    [Test]
    public void OtherInterpolations_AreNotSupported()
    {
        var e = Assert.Throws<NotSupportedException>(() => new UpSampling2D(interpolation: "bicubic"));
        Assert.That(e!.Message, Does.Contain("bicubic"));
    }
}
