using DeepNet.Backends;
using DeepNet.Backends.Cpu.Reference;
using DeepNet.Keras;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>Conv1DTranspose and SeparableConv1D.</summary>
public class Convolutional1DMoreLayerTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    private static Padding Mode(string padding) => padding == "same" ? Padding.Same : Padding.Valid;

    private static IEnumerable<TestCaseData> Conv1DTransposeCases()
    {
        // input (N, L, in), filters, kernel, stride, dilation, padding, output_padding
        yield return new TestCaseData(new[] { 2, 4, 3 }, 2, 3, 2, 1, "valid", null).SetName("Conv1DTranspose_Stride2Valid_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 1, 5, 2 }, 3, 4, 3, 1, "same", null).SetName("Conv1DTranspose_Stride3SameEvenKernel_Batch1_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 2, 3, 2 }, 2, 3, 2, 1, "same", 1).SetName("Conv1DTranspose_OutputPadding_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 2, 5, 2 }, 2, 3, 1, 2, "valid", null).SetName("Conv1DTranspose_Dilation2_MatchesFloat64Reference");
    }

    [TestCaseSource(nameof(Conv1DTransposeCases))]
    public void Conv1DTransposeForwardAndGradients(int[] input, int filters, int kernel, int stride, int dilation, string padding, int? outputPadding)
    {
        var layer = new Conv1DTranspose(filters, [kernel], [stride], padding, outputPadding is int p ? [p] : null, dilationRate: [dilation]);
        int length = layer.ComputeOutputShape(KerasShape.Of(new Shape(input)))[1]!.Value;
        ConvolutionalLayerCheck.Check(TestContext.CurrentContext.Test.Name, layer, input, (x, w) =>
        {
            // The adjoint of the convolution (N, length, filters) → x with kernel (k, filters, in), on a height-1 image.
            var spec = ConvSpec.Create(1, length, 1, kernel, (1, stride), (1, dilation), Mode(padding));
            var d = new ReferenceConv.Dims(input[0], 1, length, filters, 1, kernel, input[2], spec);
            return ConvolutionalLayerCheck.AddBias(ReferenceConv.BackwardData(x, w[0], d), w[1]);
        });
        Assert.That(layer.Kernel!.Shape, Is.EqualTo(new Shape(kernel, filters, input[2])));
    }

    [Test]
    public void Conv1DTranspose_OutputLengths_FollowKerasDeconvLength()
    {
        Assert.That(new Conv1DTranspose(2, [3], [2]).ComputeOutputShape(new KerasShape(null, 4, 3)), Is.EqualTo(new KerasShape(null, 9, 2)));
        Assert.That(new Conv1DTranspose(2, [3], [2], "same").ComputeOutputShape(new KerasShape(null, 4, 3)), Is.EqualTo(new KerasShape(null, 8, 2)));
        Assert.That(new Conv1DTranspose(2, [3], [3], "same", [2]).ComputeOutputShape(new KerasShape(null, 4, 3)), Is.EqualTo(new KerasShape(null, 12, 2)));
        Assert.That(new Conv1DTranspose(2, [3], [2], dataFormat: "channels_first").ComputeOutputShape(new KerasShape(null, 3, 4)), Is.EqualTo(new KerasShape(null, 2, 9)));
    }

    private static IEnumerable<TestCaseData> SeparableConv1DCases()
    {
        // input (N, L, C), filters, kernel, stride, dilation, padding, depth_multiplier
        yield return new TestCaseData(new[] { 2, 7, 3 }, 4, 3, 2, 1, "same", 2).SetName("SeparableConv1D_Stride2Same_Multiplier2_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 1, 8, 2 }, 3, 2, 1, 2, "valid", 1).SetName("SeparableConv1D_Dilation2Valid_Batch1_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 2, 9, 2 }, 2, 3, 3, 1, "valid", 3).SetName("SeparableConv1D_Stride3Valid_Multiplier3_MatchesFloat64Reference");
    }

    [TestCaseSource(nameof(SeparableConv1DCases))]
    public void SeparableConv1DForwardAndGradients(int[] input, int filters, int kernel, int stride, int dilation, string padding, int multiplier)
    {
        var layer = new SeparableConv1D(filters, [kernel], [stride], padding, dilationRate: [dilation], depthMultiplier: multiplier);
        int c = input[2];
        ConvolutionalLayerCheck.Check(TestContext.CurrentContext.Test.Name, layer, input, (x, w) =>
        {
            // Depthwise: (k, C, m) read as (1, k, 1, C·m), a grouped convolution with C groups; then a 1×1 convolution.
            var spec = ConvSpec.Create(1, input[1], 1, kernel, (1, stride), (1, dilation), Mode(padding), c);
            var d = new ReferenceConv.Dims(input[0], 1, input[1], c, 1, kernel, c * multiplier, spec);
            var depthwise = ReferenceConv.Forward(x, w[0], d);
            var pointwiseSpec = ConvSpec.Create(1, d.OW, 1, 1, (1, 1), (1, 1), Padding.Valid);
            var pointwise = ReferenceConv.Forward(depthwise, w[1], new ReferenceConv.Dims(input[0], 1, d.OW, c * multiplier, 1, 1, filters, pointwiseSpec));
            return ConvolutionalLayerCheck.AddBias(pointwise, w[2]);
        });
        Assert.That(layer.Weights.Select(v => v.Shape), Is.EqualTo(new[] { new Shape(kernel, c, multiplier), new Shape(1, c * multiplier, filters), new Shape(filters) }));
    }

    private static IEnumerable<TestCaseData> HarnessCases()
    {
        yield return Case("Conv1DTranspose", () => new Conv1DTranspose(2, [3], [2], "same"), [2, 4, 3], [2, 8, 2], 2);
        yield return Case("Conv1DTranspose_ChannelsFirstOutputPadding", () => new Conv1DTranspose(2, [3], [2], outputPadding: [1], dataFormat: "channels_first"), [2, 3, 4], [2, 2, 10], 2);
        yield return Case("SeparableConv1D", () => new SeparableConv1D(3, [2], depthMultiplier: 2), [2, 5, 2], [2, 4, 3], 3);
        yield return Case("SeparableConv1D_SameNoBias", () => new SeparableConv1D(3, [3], [2], "same", useBias: false), [2, 5, 2], [2, 3, 3], 2);
    }

    private static TestCaseData Case(string name, Func<Layer> make, int[] input, int[] output, int trainable) =>
        new TestCaseData(make, input, output, trainable).SetName($"LayerHarness_{name}");

    [TestCaseSource(nameof(HarnessCases))]
    public void Harness(Func<Layer> make, int[] input, int[] output, int trainable) =>
        LayerHarness.Run(make, input, output, trainable);

    [Test]
    public void DefaultConfig_Conv1DTranspose_MatchesKeras3() =>
        ConvolutionalConfigAssert.MatchesKeras(new Conv1DTranspose(4, [3]),
            """{"filters":4,"kernel_size":[3],"strides":[1],"padding":"valid","data_format":"channels_last","dilation_rate":[1],"activation":"linear","use_bias":true,"kernel_initializer":"GlorotUniform","bias_initializer":"Zeros","kernel_regularizer":null,"bias_regularizer":null,"activity_regularizer":null,"kernel_constraint":null,"bias_constraint":null,"output_padding":null}""");

    [Test]
    public void DefaultConfig_SeparableConv1D_MatchesKeras3() =>
        ConvolutionalConfigAssert.MatchesKeras(new SeparableConv1D(4, [3]),
            """{"filters":4,"kernel_size":[3],"strides":[1],"padding":"valid","data_format":"channels_last","dilation_rate":[1],"depth_multiplier":1,"activation":"linear","use_bias":true,"depthwise_initializer":"GlorotUniform","pointwise_initializer":"GlorotUniform","bias_initializer":"Zeros","depthwise_regularizer":null,"pointwise_regularizer":null,"bias_regularizer":null,"activity_regularizer":null,"depthwise_constraint":null,"pointwise_constraint":null,"bias_constraint":null}""");

    [Test]
    public void Registry_ReadsKerasConfigs()
    {
        var t = (Conv1DTranspose)LayerRegistry.Create("Conv1DTranspose", Newtonsoft.Json.Linq.JObject.Parse("""{"filters":2,"kernel_size":[3],"strides":[2],"output_padding":[1],"kernel_initializer":{"class_name":"Zeros","config":{}}}"""));
        Assert.That((t.Filters, t.OutputPadding, t.GetConfig()["kernel_initializer"]!.Value<string>("class_name")), Is.EqualTo((2, new[] { 1 }, "Zeros")));
        var s = (SeparableConv1D)LayerRegistry.Create("SeparableConv1D", Newtonsoft.Json.Linq.JObject.Parse("""{"filters":3,"kernel_size":2,"depth_multiplier":2,"padding":"same"}"""));
        Assert.That((s.Filters, s.DepthMultiplier, s.KernelSize, s.PaddingMode), Is.EqualTo((3, 2, new[] { 2 }, Padding.Same)));
    }

    [Test]
    public void BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => new Conv1DTranspose(2, [3], [2], outputPadding: [2]));
        Assert.Throws<ArgumentException>(() => new Conv1DTranspose(2, [3], padding: "causal"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv1DTranspose(0, [3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeparableConv1D(2, [3], depthMultiplier: 0));
        Assert.Throws<ArgumentException>(() => new SeparableConv1D(2, [3, 3]));
        Assert.Throws<ShapeMismatchException>(() => new SeparableConv1D(2, [3]).Apply(KerasTestUtil.Random(1, 2, 4, 4, 2)));
        Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.Conv1DTranspose(KerasTestUtil.Random(1, 2, 4, 3), KerasTestUtil.Random(2, 3, 2, 2)));
    }
}
