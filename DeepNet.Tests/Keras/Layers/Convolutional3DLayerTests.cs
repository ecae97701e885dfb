using DeepNet.Backends;
using DeepNet.Backends.Cpu.Reference;
using DeepNet.Keras;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>Conv3D, the 3-D pooling layers and ZeroPadding3D, Cropping3D, UpSampling3D.</summary>
public class Convolutional3DLayerTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    private static Padding Mode(string padding) => padding == "same" ? Padding.Same : Padding.Valid;

    // ---- Conv3D ------------------------------------------------------------------------------

    private static IEnumerable<TestCaseData> Conv3DCases()
    {
        // input (N, D, H, W, C), filters, kernel, strides, dilation, padding, groups
        yield return new TestCaseData(new[] { 2, 4, 5, 3, 2 }, 3, new[] { 2, 3, 2 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, "valid", 1).SetName("Conv3D_Valid_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 1, 5, 4, 5, 2 }, 2, new[] { 3, 2, 3 }, new[] { 2, 3, 2 }, new[] { 1, 1, 1 }, "same", 1).SetName("Conv3D_Strides232Same_Batch1_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 2, 7, 4, 3, 1 }, 2, new[] { 2, 2, 2 }, new[] { 3, 1, 2 }, new[] { 1, 1, 1 }, "valid", 1).SetName("Conv3D_DepthStride3Valid_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 1, 5, 5, 4, 2 }, 2, new[] { 3, 2, 2 }, new[] { 1, 1, 1 }, new[] { 2, 1, 2 }, "same", 1).SetName("Conv3D_Dilation212Same_MatchesFloat64Reference");
        yield return new TestCaseData(new[] { 2, 3, 3, 3, 4 }, 4, new[] { 2, 2, 1 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, "same", 2).SetName("Conv3D_Groups2_MatchesFloat64Reference");
    }

    [TestCaseSource(nameof(Conv3DCases))]
    public void Conv3DForwardAndGradients(int[] input, int filters, int[] kernel, int[] strides, int[] dilation, string padding, int groups)
    {
        var layer = new Conv3D(filters, kernel, strides, padding, dilationRate: dilation, groups: groups);
        ConvolutionalLayerCheck.Check(TestContext.CurrentContext.Test.Name, layer, input, (x, w) =>
        {
            var d = ReferenceConv3D.Dims.Create(input[0], (input[1], input[2], input[3]), input[4], (kernel[0], kernel[1], kernel[2]), filters,
                (strides[0], strides[1], strides[2]), (dilation[0], dilation[1], dilation[2]), Mode(padding), groups);
            return ConvolutionalLayerCheck.AddBias(ReferenceConv3D.Forward(x, w[0], d), w[1]);
        });
        Assert.That(layer.Kernel!.Shape, Is.EqualTo(new Shape(kernel[0], kernel[1], kernel[2], input[4] / groups, filters)));
    }

    [Test]
    public void Conv3D_ChannelsFirst_MatchesChannelsLastReference()
    {
        int[] input = [2, 2, 3, 4, 3]; // (N, C, D, H, W)
        var layer = new Conv3D(2, [2, 2, 2], padding: "same", dataFormat: "channels_first");
        Assert.That(layer.ComputeOutputShape(new KerasShape(null, 2, 3, 4, 3)), Is.EqualTo(new KerasShape(null, 2, 3, 4, 3)));
        ConvolutionalLayerCheck.Check("Conv3D channels_first", layer, input, (x, w) =>
        {
            var d = ReferenceConv3D.Dims.Create(2, (3, 4, 3), 2, (2, 2, 2), 2, (1, 1, 1), (1, 1, 1), Padding.Same);
            var y = ReferenceConv3D.Forward(ConvolutionalLayerCheck.ToChannelsLast(x, input), w[0], d);
            return ConvolutionalLayerCheck.ToChannelsFirst(ConvolutionalLayerCheck.AddBias(y, w[1]), [2, 3, 4, 3, 2]);
        });
    }

    [Test]
    public void Conv3DOp_GradientsMatchReferenceAdjoints()
    {
        // The op's tape gradients against the reference's own backward loops (not finite differences).
        var rng = new Random(5);
        int[] xs = [2, 5, 4, 3, 2];
        var d = ReferenceConv3D.Dims.Create(2, (5, 4, 3), 2, (3, 2, 2), 3, (2, 1, 2), (1, 1, 1), Padding.Same);
        var x = Array.ConvertAll(DeepNet.Tests.Autograd.GradientCheck.Uniform(rng, 2 * 5 * 4 * 3 * 2), v => (double)(float)v);
        var k = Array.ConvertAll(DeepNet.Tests.Autograd.GradientCheck.Uniform(rng, 3 * 2 * 2 * 2 * 3), v => (double)(float)v);
        var dy = Array.ConvertAll(DeepNet.Tests.Autograd.GradientCheck.Uniform(rng, 2 * d.Output.D * d.Output.H * d.Output.W * 3), v => (double)(float)v);
        using var scope = DeepNet.Memory.TensorScope.Begin();
        var tx = DeepNet.Tests.Autograd.GradientCheck.ToTensor(x, new Shape(xs));
        var tk = DeepNet.Tests.Autograd.GradientCheck.ToTensor(k, new Shape(3, 2, 2, 2, 3));
        using var tape = new DeepNet.Autograd.GradientTape();
        var y = DeepNet.Ops.Conv3D(tx, tk, (2, 1, 2), Padding.Same);
        var loss = DeepNet.Ops.Sum(DeepNet.Ops.Multiply(y, DeepNet.Tests.Autograd.GradientCheck.ToTensor(dy, y.Shape)));
        var grads = tape.Gradient(loss, [tx, tk]);
        Assert.That(y.Shape, Is.EqualTo(new Shape(2, d.Output.D, d.Output.H, d.Output.W, 3)));
        DeepNet.Tests.Autograd.GradientCheck.AssertClose("Conv3D forward", ReferenceConv3D.Forward(x, k, d), y.ToArray(), 1e-4);
        DeepNet.Tests.Autograd.GradientCheck.AssertClose("Conv3D dx", ReferenceConv3D.BackwardData(dy, k, d), grads[0].ToArray(), 1e-4);
        DeepNet.Tests.Autograd.GradientCheck.AssertClose("Conv3D dkernel", ReferenceConv3D.BackwardFilter(x, dy, d), grads[1].ToArray(), 1e-4);
    }

    // ---- 3-D pooling --------------------------------------------------------------------------

    /// <summary>Max or mean over each window's cells inside the input (padded cells take no part).</summary>
    private static double[] Pool3DReference(double[] x, int[] s, bool max, int[] pool, int[] strides, Padding padding)
    {
        var axes = Enumerable.Range(0, 3).Select(i => PaddingMath.Compute(s[i + 1], pool[i], strides[i], 1, padding)).ToArray();
        int n = s[0], c = s[4], od = axes[0].Output, oh = axes[1].Output, ow = axes[2].Output;
        var y = new double[n * od * oh * ow * c];
        for (int b = 0; b < n; b++)
        for (int i = 0; i < od; i++)
        for (int j = 0; j < oh; j++)
        for (int k = 0; k < ow; k++)
        for (int ch = 0; ch < c; ch++)
        {
            double acc = max ? double.NegativeInfinity : 0;
            int count = 0;
            for (int pz = 0; pz < pool[0]; pz++)
            for (int py = 0; py < pool[1]; py++)
            for (int px = 0; px < pool[2]; px++)
            {
                int z = i * strides[0] - axes[0].Before + pz, yy = j * strides[1] - axes[1].Before + py, xx = k * strides[2] - axes[2].Before + px;
                if (z < 0 || z >= s[1] || yy < 0 || yy >= s[2] || xx < 0 || xx >= s[3]) continue;
                double v = x[(((b * s[1] + z) * s[2] + yy) * s[3] + xx) * c + ch];
                acc = max ? Math.Max(acc, v) : acc + v;
                count++;
            }
            y[(((b * od + i) * oh + j) * ow + k) * c + ch] = max ? acc : acc / count;
        }
        return y;
    }

    private static IEnumerable<TestCaseData> Pool3DCases()
    {
        foreach (bool max in new[] { true, false })
        {
            string kind = max ? "Max" : "Average";
            yield return new TestCaseData(max, new[] { 2, 4, 5, 6, 2 }, new[] { 2, 2, 2 }, null, "valid").SetName($"{kind}Pooling3D_Default2x2x2Valid_MatchesFloat64Reference");
            yield return new TestCaseData(max, new[] { 1, 5, 4, 5, 3 }, new[] { 3, 2, 3 }, new[] { 2, 1, 3 }, "same").SetName($"{kind}Pooling3D_SameStrides213_Batch1_MatchesFloat64Reference");
            yield return new TestCaseData(max, new[] { 2, 5, 3, 4, 1 }, new[] { 2, 3, 2 }, new[] { 3, 2, 1 }, "same").SetName($"{kind}Pooling3D_SameDepthStride3_MatchesFloat64Reference");
        }
    }

    [TestCaseSource(nameof(Pool3DCases))]
    public void Pooling3DForwardAndGradient(bool max, int[] input, int[] pool, int[]? strides, string padding)
    {
        Layer layer = max ? new MaxPooling3D(pool, strides, padding) : new AveragePooling3D(pool, strides, padding);
        ConvolutionalLayerCheck.Check(TestContext.CurrentContext.Test.Name, layer, input, (x, _) =>
            Pool3DReference(x, input, max, pool, strides ?? pool, Mode(padding)));
    }

    [Test]
    public void AveragePooling3D_Same_DividesByCellsInsideTheInput()
    {
        // Ones in a 3×3×3 volume, 2×2×2 windows with stride 2, 'same': every window averages ones, so
        // a divisor counting the padded cells would give 8/8, 4/8, 2/8 or 1/8 at the edges instead of 1.
        var y = new AveragePooling3D([2, 2, 2], padding: "same").Apply(Tensor.Ones(new Shape(1, 3, 3, 3, 1)));
        Assert.That(y.Shape, Is.EqualTo(new Shape(1, 2, 2, 2, 1)));
        Assert.That(y.ToArray(), Is.All.EqualTo(1f).Within(1e-6));
    }

    [Test]
    public void MaxPooling3D_ChannelsFirst_MatchesChannelsLastReference()
    {
        int[] input = [2, 3, 4, 4, 5];
        ConvolutionalLayerCheck.Check("MaxPooling3D channels_first", new MaxPooling3D(dataFormat: "channels_first"), input, (x, _) =>
            ConvolutionalLayerCheck.ToChannelsFirst(Pool3DReference(ConvolutionalLayerCheck.ToChannelsLast(x, input), [2, 4, 4, 5, 3], true, [2, 2, 2], [2, 2, 2], Padding.Valid), [2, 2, 2, 2, 3]));
    }

    private static double[] GlobalReference(double[] x, int[] shape, bool max)
    {
        int n = shape[0], c = shape[^1], inner = x.Length / n / c;
        var y = new double[n * c];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
            {
                var values = Enumerable.Range(0, inner).Select(s => x[(b * inner + s) * c + ch]).ToArray();
                y[b * c + ch] = max ? values.Max() : values.Average();
            }
        return y;
    }

    [Test]
    public void GlobalPooling3D_MatchFloat64Reference()
    {
        int[] input = [2, 3, 2, 4, 3];
        ConvolutionalLayerCheck.Check("GlobalAveragePooling3D", new GlobalAveragePooling3D(), input, (x, _) => GlobalReference(x, input, max: false));
        ConvolutionalLayerCheck.Check("GlobalMaxPooling3D keepdims", new GlobalMaxPooling3D(keepdims: true), input, (x, _) => GlobalReference(x, input, max: true));
        int[] first = [2, 3, 3, 2, 4];
        ConvolutionalLayerCheck.Check("GlobalMaxPooling3D channels_first", new GlobalMaxPooling3D(dataFormat: "channels_first"), first, (x, _) =>
            GlobalReference(ConvolutionalLayerCheck.ToChannelsLast(x, first), [2, 3, 2, 4, 3], max: true));
    }

    // ---- padding, cropping, upsampling --------------------------------------------------------

    private static int At(int[] s, int n, int z, int y, int x, int c) => (((n * s[1] + z) * s[2] + y) * s[3] + x) * s[4] + c;

    /// <summary>
    /// Writes every cell of a <paramref name="small"/> array into a zero <paramref name="big"/> one at
    /// offset <paramref name="at"/> (padding), or, when <paramref name="read"/>, reads the small one out of the big one (cropping).
    /// </summary>
    private static double[] Place(double[] x, int[] small, int[] big, (int Z, int Y, int X) at, bool read)
    {
        var r = new double[(read ? small : big).Aggregate(1, (a, b) => a * b)];
        for (int n = 0; n < small[0]; n++) for (int z = 0; z < small[1]; z++) for (int y = 0; y < small[2]; y++) for (int w = 0; w < small[3]; w++) for (int c = 0; c < small[4]; c++)
        {
            int si = At(small, n, z, y, w, c), bi = At(big, n, z + at.Z, y + at.Y, w + at.X, c);
            if (read) r[si] = x[bi];
            else r[bi] = x[si];
        }
        return r;
    }

    [Test]
    public void ZeroPadding3D_PadsEachEdge()
    {
        int[] input = [2, 2, 3, 2, 2];
        ConvolutionalLayerCheck.Check("ZeroPadding3D", new ZeroPadding3D([1, 0, 2, 1, 0, 3]), input, (x, _) =>
            Place(x, input, [2, 3, 6, 5, 2], (1, 2, 0), read: false));
    }

    [Test]
    public void Cropping3D_RemovesEachEdge()
    {
        int[] input = [2, 4, 5, 4, 2];
        ConvolutionalLayerCheck.Check("Cropping3D", new Cropping3D([1, 2, 0, 2, 1, 1]), input, (x, _) =>
            Place(x, [2, 1, 3, 2, 2], input, (1, 0, 1), read: true));
    }

    [Test]
    public void UpSampling3D_RepeatsPlanesRowsAndColumns()
    {
        int[] input = [2, 2, 3, 2, 2];
        ConvolutionalLayerCheck.Check("UpSampling3D", new UpSampling3D([2, 1, 3]), input, (x, _) =>
        {
            var y = new double[2 * 4 * 3 * 6 * 2];
            for (int n = 0; n < 2; n++) for (int z = 0; z < 4; z++) for (int h = 0; h < 3; h++) for (int w = 0; w < 6; w++) for (int c = 0; c < 2; c++)
                y[(((n * 4 + z) * 3 + h) * 6 + w) * 2 + c] = x[(((n * 2 + z / 2) * 3 + h) * 2 + w / 3) * 2 + c];
            return y;
        });
    }

    // ---- harness, configs, errors ------------------------------------------------------------

    private static IEnumerable<TestCaseData> HarnessCases()
    {
        yield return Case("Conv3D", () => new Conv3D(3, [2, 2, 2]), [2, 3, 4, 5, 2], [2, 2, 3, 4, 3], 2);
        yield return Case("Conv3D_SameStride2NoBias", () => new Conv3D(2, [3, 3, 3], [2, 2, 2], "same", useBias: false, activation: "relu"), [2, 3, 4, 5, 2], [2, 2, 2, 3, 2], 1);
        yield return Case("MaxPooling3D", () => new MaxPooling3D(), [2, 4, 5, 6, 2], [2, 2, 2, 3, 2]);
        yield return Case("AveragePooling3D_Same", () => new AveragePooling3D([2, 2, 2], padding: "same"), [2, 3, 5, 4, 2], [2, 2, 3, 2, 2]);
        yield return Case("GlobalAveragePooling3D", () => new GlobalAveragePooling3D(), [2, 3, 4, 5, 2], [2, 2]);
        yield return Case("GlobalMaxPooling3D_Keepdims", () => new GlobalMaxPooling3D(keepdims: true), [2, 3, 4, 5, 2], [2, 1, 1, 1, 2]);
        yield return Case("ZeroPadding3D", () => new ZeroPadding3D(), [2, 2, 3, 4, 2], [2, 4, 5, 6, 2]);
        yield return Case("Cropping3D", () => new Cropping3D(), [2, 3, 4, 5, 2], [2, 1, 2, 3, 2]);
        yield return Case("UpSampling3D", () => new UpSampling3D(), [2, 2, 3, 2, 2], [2, 4, 6, 4, 2]);
        yield return Case("UpSampling3D_ChannelsFirst", () => new UpSampling3D([1, 2, 1], dataFormat: "channels_first"), [2, 2, 3, 2, 2], [2, 2, 3, 4, 2]);
    }

    private static TestCaseData Case(string name, Func<Layer> make, int[] input, int[] output, int trainable = 0) =>
        new TestCaseData(make, input, output, trainable).SetName($"LayerHarness_{name}");

    [TestCaseSource(nameof(HarnessCases))]
    public void Harness(Func<Layer> make, int[] input, int[] output, int trainable) =>
        LayerHarness.Run(make, input, output, trainable, fitStep: trainable > 0);

    private const string ConvTail = "\"activation\":\"linear\",\"use_bias\":true,\"kernel_initializer\":\"GlorotUniform\",\"bias_initializer\":\"Zeros\",\"kernel_regularizer\":null,\"bias_regularizer\":null,\"activity_regularizer\":null,\"kernel_constraint\":null,\"bias_constraint\":null}";

    private static IEnumerable<TestCaseData> DefaultConfigCases()
    {
        yield return new TestCaseData(new Func<Layer>(() => new Conv3D(4, [3, 3, 3])),
            "{\"filters\":4,\"kernel_size\":[3,3,3],\"strides\":[1,1,1],\"padding\":\"valid\",\"data_format\":\"channels_last\",\"dilation_rate\":[1,1,1],\"groups\":1," + ConvTail).SetName("DefaultConfig_Conv3D");
        yield return new TestCaseData(new Func<Layer>(() => new MaxPooling3D()), """{"pool_size":[2,2,2],"padding":"valid","strides":[2,2,2],"data_format":"channels_last"}""").SetName("DefaultConfig_MaxPooling3D");
        yield return new TestCaseData(new Func<Layer>(() => new AveragePooling3D([3, 3, 3])), """{"pool_size":[3,3,3],"padding":"valid","strides":[3,3,3],"data_format":"channels_last"}""").SetName("DefaultConfig_AveragePooling3D");
        yield return new TestCaseData(new Func<Layer>(() => new GlobalAveragePooling3D()), """{"data_format":"channels_last","keepdims":false}""").SetName("DefaultConfig_GlobalAveragePooling3D");
        yield return new TestCaseData(new Func<Layer>(() => new GlobalMaxPooling3D()), """{"data_format":"channels_last","keepdims":false}""").SetName("DefaultConfig_GlobalMaxPooling3D");
        yield return new TestCaseData(new Func<Layer>(() => new ZeroPadding3D()), """{"padding":[[1,1],[1,1],[1,1]],"data_format":"channels_last"}""").SetName("DefaultConfig_ZeroPadding3D");
        yield return new TestCaseData(new Func<Layer>(() => new Cropping3D()), """{"cropping":[[1,1],[1,1],[1,1]],"data_format":"channels_last"}""").SetName("DefaultConfig_Cropping3D");
        yield return new TestCaseData(new Func<Layer>(() => new UpSampling3D()), """{"size":[2,2,2],"data_format":"channels_last"}""").SetName("DefaultConfig_UpSampling3D");
    }

    [TestCaseSource(nameof(DefaultConfigCases))]
    public void DefaultConfig_MatchesKeras3(Func<Layer> make, string ownKeys) => ConvolutionalConfigAssert.MatchesKeras(make(), ownKeys);

    [Test]
    public void Registry_CreatesThe3DLayersFromKerasConfigs()
    {
        var conv = (Conv3D)LayerRegistry.Create("Conv3D", Newtonsoft.Json.Linq.JObject.Parse("""{"name":"c","filters":2,"kernel_size":3,"strides":[1,2,1],"padding":"same"}"""));
        Assert.That((conv.KernelSize, conv.Strides, conv.PaddingMode), Is.EqualTo((new[] { 3, 3, 3 }, new[] { 1, 2, 1 }, Padding.Same)));
        var pad = (ZeroPadding3D)LayerRegistry.Create("ZeroPadding3D", Newtonsoft.Json.Linq.JObject.Parse("""{"padding":[[1,2],[0,0],[3,1]]}"""));
        Assert.That(pad.Padding, Is.EqualTo(new[] { 1, 2, 0, 0, 3, 1 }));
        var crop = (Cropping3D)LayerRegistry.Create("Cropping3D", Newtonsoft.Json.Linq.JObject.Parse("""{"cropping":[1,2,3]}"""));
        Assert.That(crop.Cropping, Is.EqualTo(new[] { 1, 1, 2, 2, 3, 3 }));
        foreach (var name in new[] { "MaxPooling3D", "AveragePooling3D", "GlobalMaxPooling3D", "GlobalAveragePooling3D", "UpSampling3D" })
            Assert.That(LayerRegistry.IsRegistered(name), Is.True, name);
    }

    [Test]
    public void BadInputs_ThrowNamingTheShapes()
    {
        var rank4 = Assert.Throws<ShapeMismatchException>(() => new Conv3D(2, [2, 2, 2]).Apply(KerasTestUtil.Random(1, 2, 3, 4, 2)));
        Assert.That(rank4!.Message, Does.Contain("min_ndim=5").And.Contain("(2, 3, 4, 2)"));
        Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.Conv3D(KerasTestUtil.Random(1, 1, 3, 3, 3, 2), KerasTestUtil.Random(2, 2, 2, 2, 3, 4)));
        var deep = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.Conv3D(KerasTestUtil.Random(1, 1, 2, 3, 3, 2), KerasTestUtil.Random(2, 3, 2, 2, 2, 4)));
        Assert.That(deep!.Message, Does.Contain("(1, 2, 3, 3, 2)"));
        Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.MaxPool3D(KerasTestUtil.Random(1, 2, 3, 4, 2), (2, 2, 2)));
        Assert.Throws<ShapeMismatchException>(() => new MaxPooling3D().Apply(KerasTestUtil.Random(1, 2, 4, 4, 2)));
        Assert.Throws<ShapeMismatchException>(() => new Cropping3D([2]).Apply(KerasTestUtil.Random(1, 1, 4, 5, 6, 2)));
        Assert.Throws<ArgumentException>(() => new ZeroPadding3D([1, 2]));
        Assert.Throws<ArgumentException>(() => new Conv3D(2, [3, 3]));
        Assert.Throws<ArgumentException>(() => new Conv3D(2, [3, 3, 3], padding: "causal"));
        Assert.Throws<ArgumentException>(() => new Conv3D(2, [3, 3, 3], strides: [2, 1, 1], dilationRate: [1, 2, 1]));
        Assert.Throws<ArgumentException>(() => new UpSampling3D([0, 1, 1]));
    }
}
