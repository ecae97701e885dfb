using DeepNet.Backends;
using DeepNet.Backends.Cpu.Reference;
using DeepNet.Keras;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>DepthwiseConv2D, Conv2DTranspose and the padding, cropping, upsampling and spatial dropout layers.</summary>
public class ConvolutionalMoreLayerTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    [TestCase(new[] { 2, 5, 6, 3 }, 2, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, "valid", TestName = "DepthwiseConv2D_Multiplier2Valid_MatchesFloat64Reference")]
    [TestCase(new[] { 1, 7, 5, 2 }, 1, new[] { 3, 2 }, new[] { 2, 2 }, new[] { 1, 1 }, "same", TestName = "DepthwiseConv2D_Stride2Same_Batch1_MatchesFloat64Reference")]
    [TestCase(new[] { 2, 7, 7, 2 }, 3, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 2, 2 }, "same", TestName = "DepthwiseConv2D_Dilation2_MatchesFloat64Reference")]
    public void DepthwiseConv2DForwardAndGradients(int[] input, int multiplier, int[] kernel, int[] strides, int[] dilation, string padding)
    {
        var layer = new DepthwiseConv2D(kernel, strides, padding, multiplier, dilationRate: dilation);
        int c = input[3];
        ConvolutionalLayerCheck.Check(TestContext.CurrentContext.Test.Name, layer, input, (x, w) =>
        {
            // (kh, kw, C, m) read as (kh, kw, 1, C·m): a grouped convolution with C groups, output channel c·m + j.
            var spec = ConvSpec.Create(input[1], input[2], kernel[0], kernel[1], (strides[0], strides[1]), (dilation[0], dilation[1]),
                padding == "same" ? Padding.Same : Padding.Valid, c);
            var d = new ReferenceConv.Dims(input[0], input[1], input[2], c, kernel[0], kernel[1], c * multiplier, spec);
            return ConvolutionalLayerCheck.AddBias(ReferenceConv.Forward(x, w[0], d), w[1]);
        });
        Assert.That(layer.Kernel!.Shape, Is.EqualTo(new Shape(kernel[0], kernel[1], c, multiplier)));
    }

    [TestCase(new[] { 2, 3, 4, 3 }, 2, new[] { 3, 3 }, new[] { 2, 2 }, "valid", null, TestName = "Conv2DTranspose_Stride2Valid_MatchesFloat64Reference")]
    [TestCase(new[] { 1, 3, 3, 2 }, 3, new[] { 3, 2 }, new[] { 2, 3 }, "same", null, TestName = "Conv2DTranspose_SameNonSquare_Batch1_MatchesFloat64Reference")]
    [TestCase(new[] { 2, 3, 3, 2 }, 2, new[] { 3, 3 }, new[] { 2, 2 }, "same", new[] { 1, 0 }, TestName = "Conv2DTranspose_OutputPadding_MatchesFloat64Reference")]
    public void Conv2DTransposeForwardAndGradients(int[] input, int filters, int[] kernel, int[] strides, string padding, int[]? outputPadding)
    {
        var layer = new Conv2DTranspose(filters, kernel, strides, padding, outputPadding);
        var outShape = layer.ComputeOutputShape(KerasShape.Of(new Shape(input)));
        int oh = outShape[1]!.Value, ow = outShape[2]!.Value;
        ConvolutionalLayerCheck.Check(TestContext.CurrentContext.Test.Name, layer, input, (x, w) =>
        {
            // The adjoint of the convolution from the output (N, OH, OW, filters) back to x with kernel (kh, kw, filters, in).
            var spec = ConvSpec.Create(oh, ow, kernel[0], kernel[1], (strides[0], strides[1]), (1, 1), padding == "same" ? Padding.Same : Padding.Valid);
            var d = new ReferenceConv.Dims(input[0], oh, ow, filters, kernel[0], kernel[1], input[3], spec);
            return ConvolutionalLayerCheck.AddBias(ReferenceConv.BackwardData(x, w[0], d), w[1]);
        });
        Assert.That(layer.Kernel!.Shape, Is.EqualTo(new Shape(kernel[0], kernel[1], filters, input[3])));
    }

    [Test]
    public void Conv2DTranspose_OutputLengths_FollowKerasDeconvLength()
    {
        Assert.That(new Conv2DTranspose(2, [3, 3], [2, 2]).ComputeOutputShape(new KerasShape(null, 4, 5, 3)), Is.EqualTo(new KerasShape(null, 9, 11, 2)));
        Assert.That(new Conv2DTranspose(2, [3, 3], [2, 2], "same").ComputeOutputShape(new KerasShape(null, 4, 5, 3)), Is.EqualTo(new KerasShape(null, 8, 10, 2)));
        Assert.That(new Conv2DTranspose(2, [1, 1], [3, 3]).ComputeOutputShape(new KerasShape(null, 4, 5, 3)), Is.EqualTo(new KerasShape(null, 12, 15, 2)));
    }

    [Test]
    public void SeparableConv2D_Stride2Same_MatchesFloat64Reference()
    {
        int[] input = [2, 5, 6, 3];
        var layer = new SeparableConv2D(4, [3, 3], [2, 2], "same", depthMultiplier: 2);
        ConvolutionalLayerCheck.Check("SeparableConv2D", layer, input, (x, w) =>
        {
            var spec = ConvSpec.Create(5, 6, 3, 3, (2, 2), (1, 1), Padding.Same, 3);
            var d = new ReferenceConv.Dims(2, 5, 6, 3, 3, 3, 6, spec);
            var depthwise = ReferenceConv.Forward(x, w[0], d);
            var pointwise = ReferenceConv.Forward(depthwise, w[1], new ReferenceConv.Dims(2, d.OH, d.OW, 6, 1, 1, 4, ConvSpec.Create(d.OH, d.OW, 1, 1, (1, 1), (1, 1), Padding.Valid)));
            return ConvolutionalLayerCheck.AddBias(pointwise, w[2]);
        });
        Assert.That(layer.Weights.Select(v => v.Shape), Is.EqualTo(new[] { new Shape(3, 3, 3, 2), new Shape(1, 1, 6, 4), new Shape(4) }));
    }

    [Test]
    public void ZeroPadding2D_PadsTopBottomLeftRight()
    {
        int[] input = [2, 3, 4, 2];
        ConvolutionalLayerCheck.Check("ZeroPadding2D", new ZeroPadding2D([1, 2, 0, 3]), input, (x, _) =>
        {
            var y = new double[2 * 6 * 7 * 2];
            for (int n = 0; n < 2; n++) for (int h = 0; h < 3; h++) for (int w = 0; w < 4; w++) for (int c = 0; c < 2; c++)
                y[((n * 6 + h + 1) * 7 + w) * 2 + c] = x[((n * 3 + h) * 4 + w) * 2 + c];
            return y;
        });
    }

    [Test]
    public void Cropping2D_RemovesEdges()
    {
        int[] input = [2, 5, 6, 2];
        ConvolutionalLayerCheck.Check("Cropping2D", new Cropping2D([1, 2, 2, 1]), input, (x, _) =>
        {
            var y = new double[2 * 2 * 3 * 2];
            for (int n = 0; n < 2; n++) for (int h = 0; h < 2; h++) for (int w = 0; w < 3; w++) for (int c = 0; c < 2; c++)
                y[((n * 2 + h) * 3 + w) * 2 + c] = x[((n * 5 + h + 1) * 6 + w + 2) * 2 + c];
            return y;
        });
    }

    [Test]
    public void UpSampling2D_Nearest_RepeatsRowsAndColumns()
    {
        int[] input = [2, 2, 3, 2];
        ConvolutionalLayerCheck.Check("UpSampling2D", new UpSampling2D([2, 3]), input, (x, _) =>
        {
            var y = new double[2 * 4 * 9 * 2];
            for (int n = 0; n < 2; n++) for (int h = 0; h < 4; h++) for (int w = 0; w < 9; w++) for (int c = 0; c < 2; c++)
                y[((n * 4 + h) * 9 + w) * 2 + c] = x[((n * 2 + h / 2) * 3 + w / 3) * 2 + c];
            return y;
        });
    }

    [Test]
    public void UpSampling1DZeroPadding1DCropping1D_MatchLoops()
    {
        int[] input = [2, 4, 3];
        ConvolutionalLayerCheck.Check("UpSampling1D", new UpSampling1D(3), input, (x, _) =>
        {
            var y = new double[2 * 12 * 3];
            for (int i = 0; i < y.Length; i++) { int c = i % 3, s = i / 3 % 12, n = i / 36; y[i] = x[(n * 4 + s / 3) * 3 + c]; }
            return y;
        });
        ConvolutionalLayerCheck.Check("ZeroPadding1D", new ZeroPadding1D([2, 1]), input, (x, _) =>
        {
            var y = new double[2 * 7 * 3];
            for (int n = 0; n < 2; n++) for (int s = 0; s < 4; s++) for (int c = 0; c < 3; c++) y[(n * 7 + s + 2) * 3 + c] = x[(n * 4 + s) * 3 + c];
            return y;
        });
        ConvolutionalLayerCheck.Check("Cropping1D", new Cropping1D([1, 2]), input, (x, _) =>
        {
            var y = new double[2 * 1 * 3];
            for (int n = 0; n < 2; n++) for (int c = 0; c < 3; c++) y[n * 3 + c] = x[(n * 4 + 1) * 3 + c];
            return y;
        });
    }

    [Test]
    public void SpatialDropout2D_DropsWholeChannels_AndIsIdentityAtInference()
    {
        var x = Tensor.Ones(new Shape(4, 3, 5, 8));
        var layer = new SpatialDropout2D(0.5f, seed: 7);
        Assert.That(layer.Apply(x, training: false).ToArray(), Is.All.EqualTo(1f));
        var y = layer.Apply(x, training: true).ToArray();
        int zeros = 0;
        for (int n = 0; n < 4; n++)
            for (int c = 0; c < 8; c++)
            {
                float first = y[((n * 3) * 5) * 8 + c];
                Assert.That(first, Is.EqualTo(0f).Or.EqualTo(2f));
                if (first == 0f) zeros++;
                for (int s = 0; s < 15; s++) Assert.That(y[(n * 15 + s) * 8 + c], Is.EqualTo(first), "one value per (sample, channel)");
            }
        Assert.That(zeros, Is.InRange(1, 31));
    }

    [Test]
    public void SpatialDropout1D_DropsWholeChannels()
    {
        var y = new SpatialDropout1D(0.5f, seed: 3).Apply(Tensor.Ones(new Shape(4, 6, 8)), training: true).ToArray();
        for (int n = 0; n < 4; n++)
            for (int c = 0; c < 8; c++)
                for (int s = 1; s < 6; s++) Assert.That(y[(n * 6 + s) * 8 + c], Is.EqualTo(y[n * 48 + c]));
    }

    private static IEnumerable<TestCaseData> HarnessCases()
    {
        yield return Case("DepthwiseConv2D", () => new DepthwiseConv2D([3, 3], depthMultiplier: 2), [2, 5, 6, 3], [2, 3, 4, 6], 2);
        yield return Case("Conv2DTranspose", () => new Conv2DTranspose(2, [3, 3], [2, 2], "same"), [2, 3, 4, 3], [2, 6, 8, 2], 2);
        yield return Case("SeparableConv2D", () => new SeparableConv2D(3, [2, 2], depthMultiplier: 2), [2, 4, 5, 2], [2, 3, 4, 3], 3);
        yield return Case("ZeroPadding2D", () => new ZeroPadding2D(), [2, 3, 4, 2], [2, 5, 6, 2]);
        yield return Case("ZeroPadding1D", () => new ZeroPadding1D([1, 2]), [2, 3, 2], [2, 6, 2]);
        yield return Case("Cropping2D", () => new Cropping2D([1, 1]), [2, 4, 5, 2], [2, 2, 3, 2]);
        yield return Case("Cropping1D", () => new Cropping1D(), [2, 4, 2], [2, 2, 2]);
        yield return Case("UpSampling2D", () => new UpSampling2D(), [2, 3, 4, 2], [2, 6, 8, 2]);
        yield return Case("UpSampling2D_ChannelsFirst", () => new UpSampling2D([1, 2], dataFormat: "channels_first"), [2, 2, 3, 4], [2, 2, 3, 8]);
        yield return Case("UpSampling1D", () => new UpSampling1D(), [2, 3, 2], [2, 6, 2]);
        yield return Case("SpatialDropout1D", () => new SpatialDropout1D(0.3f, seed: 1), [2, 3, 2], [2, 3, 2]);
        yield return Case("SpatialDropout2D", () => new SpatialDropout2D(0.3f, seed: 1), [2, 3, 3, 2], [2, 3, 3, 2]);
    }

    private static TestCaseData Case(string name, Func<Layer> make, int[] input, int[] output, int trainable = 0) =>
        new TestCaseData(make, input, output, trainable).SetName($"LayerHarness_{name}");

    [TestCaseSource(nameof(HarnessCases))]
    public void Harness(Func<Layer> make, int[] input, int[] output, int trainable) =>
        LayerHarness.Run(make, input, output, trainable, fitStep: trainable > 0);

    private const string InitTail = "\"bias_initializer\":\"Zeros\"";

    private static IEnumerable<TestCaseData> DefaultConfigCases()
    {
        yield return new TestCaseData(new Func<Layer>(() => new DepthwiseConv2D([3, 3])),
            "{\"kernel_size\":[3,3],\"strides\":[1,1],\"padding\":\"valid\",\"depth_multiplier\":1,\"data_format\":\"channels_last\",\"dilation_rate\":[1,1],\"activation\":\"linear\",\"use_bias\":true,\"depthwise_initializer\":\"GlorotUniform\"," + InitTail +
            ",\"depthwise_regularizer\":null,\"bias_regularizer\":null,\"activity_regularizer\":null,\"depthwise_constraint\":null,\"bias_constraint\":null}").SetName("DefaultConfig_DepthwiseConv2D");
        yield return new TestCaseData(new Func<Layer>(() => new Conv2DTranspose(4, [3, 3])),
            "{\"filters\":4,\"kernel_size\":[3,3],\"strides\":[1,1],\"padding\":\"valid\",\"data_format\":\"channels_last\",\"dilation_rate\":[1,1],\"activation\":\"linear\",\"use_bias\":true,\"kernel_initializer\":\"GlorotUniform\"," + InitTail +
            ",\"kernel_regularizer\":null,\"bias_regularizer\":null,\"activity_regularizer\":null,\"kernel_constraint\":null,\"bias_constraint\":null,\"output_padding\":null}").SetName("DefaultConfig_Conv2DTranspose");
        yield return new TestCaseData(new Func<Layer>(() => new ZeroPadding2D()), """{"padding":[[1,1],[1,1]],"data_format":"channels_last"}""").SetName("DefaultConfig_ZeroPadding2D");
        yield return new TestCaseData(new Func<Layer>(() => new ZeroPadding1D()), """{"padding":[1,1],"data_format":"channels_last"}""").SetName("DefaultConfig_ZeroPadding1D");
        yield return new TestCaseData(new Func<Layer>(() => new Cropping2D()), """{"cropping":[[0,0],[0,0]],"data_format":"channels_last"}""").SetName("DefaultConfig_Cropping2D");
        yield return new TestCaseData(new Func<Layer>(() => new Cropping1D()), """{"cropping":[1,1]}""").SetName("DefaultConfig_Cropping1D");
        yield return new TestCaseData(new Func<Layer>(() => new UpSampling2D()), """{"size":[2,2],"data_format":"channels_last","interpolation":"nearest"}""").SetName("DefaultConfig_UpSampling2D");
        yield return new TestCaseData(new Func<Layer>(() => new UpSampling1D()), """{"size":2}""").SetName("DefaultConfig_UpSampling1D");
        yield return new TestCaseData(new Func<Layer>(() => new SpatialDropout1D(0.5f)), """{"rate":0.5,"seed":null}""").SetName("DefaultConfig_SpatialDropout1D");
        yield return new TestCaseData(new Func<Layer>(() => new SpatialDropout2D(0.5f)), """{"rate":0.5,"seed":null,"data_format":"channels_last"}""").SetName("DefaultConfig_SpatialDropout2D");
    }

    [TestCaseSource(nameof(DefaultConfigCases))]
    public void DefaultConfig_MatchesKeras3(Func<Layer> make, string ownKeys) => ConvolutionalConfigAssert.MatchesKeras(make(), ownKeys);

    [Test]
    public void BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DepthwiseConv2D([3, 3], depthMultiplier: 0));
        Assert.Throws<ArgumentException>(() => new Conv2DTranspose(2, [3, 3], [2, 2], outputPadding: [2, 2]));
        Assert.Throws<ArgumentException>(() => new ZeroPadding2D([1, 2, 3]));
        Assert.Throws<ArgumentException>(() => new Cropping2D([-1]));
        Assert.Throws<NotSupportedException>(() => new UpSampling2D(interpolation: "bicubic"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UpSampling1D(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpatialDropout2D(1.5f));
        Assert.Throws<ShapeMismatchException>(() => new Cropping1D([2, 2]).Apply(KerasTestUtil.Random(1, 1, 4, 2)));
    }
}
