using DeepNet.Backends;
using DeepNet.Backends.Cpu.Reference;
using DeepNet.Keras;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Layers;

public class ConvolutionalLayerTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    // ---- float64 references ------------------------------------------------------------------

    /// <summary>Conv2D on channels_last x (N, H, W, C) with kernel (kh, kw, C/g, F) and optional bias, linear.</summary>
    private static double[] Conv2DReference(double[] x, int[] xs, double[] kernel, int[] ks, double[]? bias,
        (int, int) strides, (int, int) dilation, Padding padding, int groups)
    {
        var spec = ConvSpec.Create(xs[1], xs[2], ks[0], ks[1], strides, dilation, padding, groups);
        var d = new ReferenceConv.Dims(xs[0], xs[1], xs[2], xs[3], ks[0], ks[1], ks[3], spec);
        var y = ReferenceConv.Forward(x, kernel, d);
        return bias is null ? y : ConvolutionalLayerCheck.AddBias(y, bias);
    }

    private static IEnumerable<TestCaseData> Conv2DCases()
    {
        // name, input (N, H, W, C), filters, kernel, strides, dilation, padding, groups, use_bias
        yield return new TestCaseData(new[] { 2, 5, 6, 3 }, 4, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, "valid", 1, true).SetName("Conv2D_Valid3x3_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 1, 7, 5, 2 }, 3, new[] { 3, 2 }, new[] { 2, 2 }, new[] { 1, 1 }, "same", 1, true).SetName("Conv2D_Stride2SameNonSquare_Batch1_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 2, 8, 7, 2 }, 2, new[] { 2, 3 }, new[] { 3, 1 }, new[] { 1, 1 }, "valid", 1, false).SetName("Conv2D_Stride3NoBias_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 2, 7, 7, 3 }, 2, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 2, 2 }, "same", 1, true).SetName("Conv2D_Dilation2Same_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 2, 5, 5, 4 }, 6, new[] { 3, 3 }, new[] { 1, 1 }, new[] { 1, 1 }, "same", 2, true).SetName("Conv2D_Groups2_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 1, 1, 1, 1 }, 1, new[] { 1, 1 }, new[] { 1, 1 }, new[] { 1, 1 }, "valid", 1, true).SetName("Conv2D_Size1_MatchesFloat64Reference");
    }

    [TestCaseSource(nameof(Conv2DCases))]
    public void Conv2DForwardAndGradients(int[] input, int filters, int[] kernel, int[] strides, int[] dilation, string padding, int groups, bool useBias)
    {
        var layer = new Conv2D(filters, kernel, strides, padding, dilationRate: dilation, groups: groups, useBias: useBias);
        int[] ks = [kernel[0], kernel[1], input[3] / groups, filters];
        ConvolutionalLayerCheck.Check(TestContext.CurrentContext.Test.Name, layer, input, (x, w) =>
            Conv2DReference(x, input, w[0], ks, useBias ? w[1] : null, (strides[0], strides[1]), (dilation[0], dilation[1]),
                padding == "same" ? Padding.Same : Padding.Valid, groups));
    }

    [Test]
    public void Conv2D_TanhActivation_MatchesFloat64Reference()
    {
        int[] input = [2, 4, 5, 2];
        var layer = new Conv2D(3, [2, 2], activation: "tanh");
        ConvolutionalLayerCheck.Check("Conv2D tanh", layer, input, (x, w) =>
            Array.ConvertAll(Conv2DReference(x, input, w[0], [2, 2, 2, 3], w[1], (1, 1), (1, 1), Padding.Valid, 1), Math.Tanh));
    }

    [Test]
    public void Conv2D_ChannelsFirst_TransposesInAndOut()
    {
        int[] input = [2, 3, 5, 4]; // (N, C, H, W)
        int[] last = [2, 5, 4, 3];
        var layer = new Conv2D(2, [3, 3], padding: "same", dataFormat: "channels_first");
        Assert.That(layer.ComputeOutputShape(new KerasShape(null, 3, 5, 4)), Is.EqualTo(new KerasShape(null, 2, 5, 4)));
        ConvolutionalLayerCheck.Check("Conv2D channels_first", layer, input, (x, w) =>
        {
            var y = Conv2DReference(ConvolutionalLayerCheck.ToChannelsLast(x, input), last, w[0], [3, 3, 3, 2], w[1], (1, 1), (1, 1), Padding.Same, 1);
            return ConvolutionalLayerCheck.ToChannelsFirst(y, [2, 5, 4, 2]);
        });
    }

    private static IEnumerable<TestCaseData> Conv1DCases()
    {
        // input (N, L, C), filters, kernel, stride, dilation, padding
        yield return new TestCaseData(new[] { 2, 9, 3 }, 4, 3, 1, 1, "valid").SetName("Conv1D_Valid_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 1, 8, 2 }, 3, 4, 3, 1, "same").SetName("Conv1D_Stride3SameEvenKernel_Batch1_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 2, 7, 2 }, 2, 3, 1, 2, "causal").SetName("Conv1D_CausalDilation2_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 2, 6, 3 }, 2, 2, 2, 1, "causal").SetName("Conv1D_CausalStride2_MatchesFloat64Reference");
    }

    [TestCaseSource(nameof(Conv1DCases))]
    public void Conv1DForwardAndGradients(int[] input, int filters, int kernel, int stride, int dilation, string padding)
    {
        var layer = new Conv1D(filters, [kernel], [stride], padding, dilationRate: [dilation]);
        ConvolutionalLayerCheck.Check(TestContext.CurrentContext.Test.Name, layer, input, (x, w) =>
        {
            // Causal padding = k_eff − 1 zeros on the left, then a valid convolution.
            int pad = padding == "causal" ? (kernel - 1) * dilation : 0;
            int length = input[1] + pad;
            var padded = new double[input[0] * length * input[2]];
            for (int n = 0; n < input[0]; n++)
                for (int l = 0; l < input[1]; l++)
                    for (int c = 0; c < input[2]; c++)
                        padded[(n * length + l + pad) * input[2] + c] = x[(n * input[1] + l) * input[2] + c];
            var mode = padding == "same" ? Padding.Same : Padding.Valid;
            return Conv2DReference(padded, [input[0], 1, length, input[2]], w[0], [1, kernel, input[2], filters], w[1], (1, stride), (1, dilation), mode, 1);
        });
    }

    [Test]
    public void Conv1D_CausalOutputLength_IsCeilLengthOverStride()
    {
        var layer = new Conv1D(2, [3], [2], "causal");
        Assert.That(layer.ComputeOutputShape(new KerasShape(null, 7, 3)), Is.EqualTo(new KerasShape(null, 4, 2)));
    }

    // ---- harness, configs, arguments ---------------------------------------------------------

    private static IEnumerable<TestCaseData> HarnessCases()
    {
        yield return Case("Conv2D", () => new Conv2D(4, [3, 3]), [2, 5, 6, 3], [2, 3, 4, 4], 2);
        yield return Case("Conv2D_SameStride2NoBias", () => new Conv2D(2, [3, 3], [2, 2], "same", useBias: false, activation: "relu"), [2, 5, 6, 3], [2, 3, 3, 2], 1);
        yield return Case("Conv2D_Groups", () => new Conv2D(4, [1, 1], groups: 2), [2, 3, 3, 4], [2, 3, 3, 4], 2);
        yield return Case("Conv2D_ChannelsFirst", () => new Conv2D(2, [3, 3], dataFormat: "channels_first"), [2, 3, 5, 5], [2, 2, 3, 3], 2);
        yield return Case("Conv1D", () => new Conv1D(3, [2]), [2, 5, 4], [2, 4, 3], 2);
        yield return Case("Conv1D_Causal", () => new Conv1D(3, [3], padding: "causal", dilationRate: [2]), [2, 5, 4], [2, 5, 3], 2);
    }

    private static TestCaseData Case(string name, Func<Layer> make, int[] input, int[] output, int trainable = 0, int nonTrainable = 0) =>
        new TestCaseData(make, input, output, trainable, nonTrainable).SetName($"LayerHarness_{name}");

    [TestCaseSource(nameof(HarnessCases))]
    public void Harness(Func<Layer> make, int[] input, int[] output, int trainable, int nonTrainable) =>
        LayerHarness.Run(make, input, output, trainable, nonTrainable);

    private const string ConvTail = "\"groups\":1,\"activation\":\"linear\",\"use_bias\":true,\"kernel_initializer\":\"GlorotUniform\",\"bias_initializer\":\"Zeros\"," +
        "\"kernel_regularizer\":null,\"bias_regularizer\":null,\"activity_regularizer\":null,\"kernel_constraint\":null,\"bias_constraint\":null}";

    [Test]
    public void Conv2DDefaultConfig_MatchesKeras3() =>
        ConvolutionalConfigAssert.MatchesKeras(new Conv2D(8, [3]),
            "{\"filters\":8,\"kernel_size\":[3,3],\"strides\":[1,1],\"padding\":\"valid\",\"data_format\":\"channels_last\",\"dilation_rate\":[1,1]," + ConvTail);

    [Test]
    public void Conv1DDefaultConfig_MatchesKeras3() =>
        ConvolutionalConfigAssert.MatchesKeras(new Conv1D(8, [3]),
            "{\"filters\":8,\"kernel_size\":[3],\"strides\":[1],\"padding\":\"valid\",\"data_format\":\"channels_last\",\"dilation_rate\":[1]," + ConvTail);

    [Test]
    public void Conv2D_KernelLayout_IsKhKwInOverGroupsFilters()
    {
        var layer = new Conv2D(6, [3, 2], groups: 2);
        layer.EnsureBuilt(new KerasShape(null, 5, 5, 4));
        Assert.That(layer.Kernel!.Shape, Is.EqualTo(new Shape(3, 2, 2, 6)));
        Assert.That(layer.Bias!.Shape, Is.EqualTo(new Shape(6)));
        Assert.That(layer.Weights.Select(w => w.Name), Is.EqualTo(new[] { "kernel", "bias" }));
    }

    [Test]
    public void Conv2D_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D(0, [3, 3]));
        Assert.Throws<ArgumentException>(() => new Conv2D(4, [3, 3, 3]));
        Assert.Throws<ArgumentException>(() => new Conv2D(4, [0, 3]));
        Assert.Throws<ArgumentException>(() => new Conv2D(4, [3, 3], padding: "causal"));
        Assert.Throws<ArgumentException>(() => new Conv2D(4, [3, 3], padding: "full"));
        Assert.Throws<ArgumentException>(() => new Conv2D(4, [3, 3], dataFormat: "nhwc"));
        Assert.Throws<ArgumentException>(() => new Conv2D(5, [3, 3], groups: 2));
        Assert.Throws<ArgumentException>(() => new Conv2D(4, [3, 3], strides: [2, 2], dilationRate: [2, 2]));
    }

    [Test]
    public void Conv2D_WrongInput_ThrowsShapeMismatch()
    {
        var groups = new Conv2D(4, [3, 3], groups: 2);
        var ex = Assert.Throws<ShapeMismatchException>(() => groups.Apply(KerasTestUtil.Random(1, 1, 5, 5, 3)));
        Assert.That(ex!.Message, Does.Contain("groups"));
        var layer = new Conv2D(4, [3, 3]);
        layer.Apply(KerasTestUtil.Random(1, 1, 5, 5, 3));
        ex = Assert.Throws<ShapeMismatchException>(() => layer.Apply(KerasTestUtil.Random(1, 1, 5, 5, 2)));
        Assert.That(ex!.Message, Does.Contain("(1, 5, 5, 2)"));
        Assert.Throws<ShapeMismatchException>(() => new Conv2D(4, [3, 3]).Apply(KerasTestUtil.Random(1, 5, 5)));
    }
}
