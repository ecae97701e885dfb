using DeepNet.Backends;
using DeepNet.Backends.Cpu.Reference;
using DeepNet.Keras;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Layers;

public class PoolingLayerTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    private static double[] Pool2DReference(double[] x, int[] s, PoolKind kind, (int, int) pool, (int, int) strides, Padding padding) =>
        ReferencePool.Forward(x, s[0], s[1], s[2], s[3], PoolSpec.Create(kind, s[1], s[2], pool, strides, padding));

    private static IEnumerable<TestCaseData> Pool2DCases()
    {
        foreach (var kind in new[] { PoolKind.Max, PoolKind.Average })
        {
            yield return new TestCaseData(kind, new[] { 2, 6, 5, 3 }, new[] { 2, 2 }, null, "valid").SetName($"{kind}Pooling2D_Default2x2Valid_MatchesFloat64Reference");
            yield return new TestCaseData(kind, new[] { 1, 7, 5, 2 }, new[] { 3, 2 }, new[] { 2, 1 }, "same").SetName($"{kind}Pooling2D_SameStride21_Batch1_MatchesFloat64Reference");
            yield return new TestCaseData(kind, new[] { 2, 7, 8, 1 }, new[] { 2, 3 }, new[] { 3, 3 }, "same").SetName($"{kind}Pooling2D_Stride3Same_MatchesFloat64Reference");
        }
    }

    [TestCaseSource(nameof(Pool2DCases))]
    public void Pooling2DForwardAndGradient(PoolKind kind, int[] input, int[] pool, int[]? strides, string padding)
    {
        Layer layer = kind == PoolKind.Max ? new MaxPooling2D(pool, strides, padding) : new AveragePooling2D(pool, strides, padding);
        var s = strides ?? pool;
        ConvolutionalLayerCheck.Check(TestContext.CurrentContext.Test.Name, layer, input, (x, _) =>
            Pool2DReference(x, input, kind, (pool[0], pool[1]), (s[0], s[1]), padding == "same" ? Padding.Same : Padding.Valid));
    }

    [TestCase(PoolKind.Max, 9, 3, 2, "valid")]
    [TestCase(PoolKind.Average, 9, 3, 2, "same")]
    [TestCase(PoolKind.Max, 8, 2, null, "same")]
    [TestCase(PoolKind.Average, 1, 1, null, "valid")]
    public void Pooling1D_MatchesFloat64Reference(PoolKind kind, int length, int pool, int? stride, string padding)
    {
        int[] input = [2, length, 3];
        Layer layer = kind == PoolKind.Max ? new MaxPooling1D([pool], stride is int st ? [st] : null, padding) : new AveragePooling1D([pool], stride is int st2 ? [st2] : null, padding);
        ConvolutionalLayerCheck.Check($"{kind}Pooling1D", layer, input, (x, _) =>
            Pool2DReference(x, [2, 1, length, 3], kind, (1, pool), (1, stride ?? pool), padding == "same" ? Padding.Same : Padding.Valid));
    }

    [Test]
    public void MaxPooling2D_ChannelsFirst_MatchesChannelsLastReference()
    {
        int[] input = [2, 3, 4, 6];
        var layer = new MaxPooling2D(dataFormat: "channels_first");
        ConvolutionalLayerCheck.Check("MaxPooling2D channels_first", layer, input, (x, _) =>
            ConvolutionalLayerCheck.ToChannelsFirst(Pool2DReference(ConvolutionalLayerCheck.ToChannelsLast(x, input), [2, 4, 6, 3], PoolKind.Max, (2, 2), (2, 2), Padding.Valid), [2, 2, 3, 3]));
    }

    /// <summary>Mean or maximum over the spatial axes of a channels_last (N, spatial..., C) array.</summary>
    private static double[] GlobalReference(double[] x, int[] shape, bool max)
    {
        int n = shape[0], c = shape[^1], inner = (int)(x.Length / n / c);
        var y = new double[n * c];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
            {
                double acc = max ? double.NegativeInfinity : 0;
                for (int s = 0; s < inner; s++)
                {
                    double v = x[(b * inner + s) * c + ch];
                    acc = max ? Math.Max(acc, v) : acc + v;
                }
                y[b * c + ch] = max ? acc : acc / inner;
            }
        return y;
    }

    private static IEnumerable<TestCaseData> GlobalCases()
    {
        yield return new TestCaseData(new Func<Layer>(() => new GlobalAveragePooling2D()), new[] { 2, 3, 5, 4 }, false, false).SetName("GlobalAveragePooling2D_MatchesFloat64Reference");
        yield return new TestCaseData(new Func<Layer>(() => new GlobalMaxPooling2D(keepdims: true)), new[] { 2, 3, 5, 4 }, true, false).SetName("GlobalMaxPooling2D_Keepdims_MatchesFloat64Reference");
        yield return new TestCaseData(new Func<Layer>(() => new GlobalAveragePooling1D(keepdims: true)), new[] { 1, 7, 3 }, false, false).SetName("GlobalAveragePooling1D_Keepdims_MatchesFloat64Reference");
        yield return new TestCaseData(new Func<Layer>(() => new GlobalMaxPooling1D()), new[] { 2, 5, 3 }, true, false).SetName("GlobalMaxPooling1D_MatchesFloat64Reference");
        yield return new TestCaseData(new Func<Layer>(() => new GlobalAveragePooling2D(dataFormat: "channels_first")), new[] { 2, 4, 3, 5 }, false, true).SetName("GlobalAveragePooling2D_ChannelsFirst_MatchesFloat64Reference");
    }

    [TestCaseSource(nameof(GlobalCases))]
    public void GlobalPoolingForwardAndGradient(Func<Layer> make, int[] input, bool max, bool channelsFirst)
    {
        ConvolutionalLayerCheck.Check(TestContext.CurrentContext.Test.Name, make(), input, (x, _) =>
        {
            if (!channelsFirst) return GlobalReference(x, input, max);
            int[] last = [input[0], .. input[2..], input[1]];
            return GlobalReference(ConvolutionalLayerCheck.ToChannelsLast(x, input), last, max);
        });
    }

    private static IEnumerable<TestCaseData> HarnessCases()
    {
        yield return Case("MaxPooling2D", () => new MaxPooling2D(), [2, 5, 6, 3], [2, 2, 3, 3]);
        yield return Case("MaxPooling2D_SameStride1", () => new MaxPooling2D([3, 3], [1, 1], "same"), [2, 5, 6, 3], [2, 5, 6, 3]);
        yield return Case("AveragePooling2D", () => new AveragePooling2D([2, 3], [1, 2]), [2, 5, 6, 3], [2, 4, 2, 3]);
        yield return Case("AveragePooling2D_ChannelsFirst", () => new AveragePooling2D([2, 2], dataFormat: "channels_first"), [2, 3, 4, 4], [2, 3, 2, 2]);
        yield return Case("MaxPooling1D", () => new MaxPooling1D(), [2, 5, 3], [2, 2, 3]);
        yield return Case("AveragePooling1D_Same", () => new AveragePooling1D([2], padding: "same"), [2, 5, 3], [2, 3, 3]);
        yield return Case("GlobalAveragePooling2D", () => new GlobalAveragePooling2D(), [2, 5, 6, 3], [2, 3]);
        yield return Case("GlobalMaxPooling2D_Keepdims", () => new GlobalMaxPooling2D(keepdims: true), [2, 5, 6, 3], [2, 1, 1, 3]);
        yield return Case("GlobalAveragePooling1D", () => new GlobalAveragePooling1D(), [2, 5, 3], [2, 3]);
        yield return Case("GlobalMaxPooling1D_ChannelsFirst", () => new GlobalMaxPooling1D(dataFormat: "channels_first"), [2, 3, 5], [2, 3]);
    }

    private static TestCaseData Case(string name, Func<Layer> make, int[] input, int[] output) =>
        new TestCaseData(make, input, output).SetName($"LayerHarness_{name}");

    [TestCaseSource(nameof(HarnessCases))]
    public void Harness(Func<Layer> make, int[] input, int[] output) => LayerHarness.Run(make, input, output, fitStep: false);

    private static IEnumerable<TestCaseData> DefaultConfigCases()
    {
        yield return new TestCaseData(new Func<Layer>(() => new MaxPooling2D()), """{"pool_size":[2,2],"padding":"valid","strides":[2,2],"data_format":"channels_last"}""").SetName("DefaultConfig_MaxPooling2D");
        yield return new TestCaseData(new Func<Layer>(() => new AveragePooling2D([3, 3])), """{"pool_size":[3,3],"padding":"valid","strides":[3,3],"data_format":"channels_last"}""").SetName("DefaultConfig_AveragePooling2D");
        yield return new TestCaseData(new Func<Layer>(() => new MaxPooling1D()), """{"pool_size":[2],"padding":"valid","strides":[2],"data_format":"channels_last"}""").SetName("DefaultConfig_MaxPooling1D");
        yield return new TestCaseData(new Func<Layer>(() => new AveragePooling1D([3])), """{"pool_size":[3],"padding":"valid","strides":[3],"data_format":"channels_last"}""").SetName("DefaultConfig_AveragePooling1D");
        yield return new TestCaseData(new Func<Layer>(() => new GlobalAveragePooling2D()), """{"data_format":"channels_last","keepdims":false}""").SetName("DefaultConfig_GlobalAveragePooling2D");
        yield return new TestCaseData(new Func<Layer>(() => new GlobalMaxPooling2D()), """{"data_format":"channels_last","keepdims":false}""").SetName("DefaultConfig_GlobalMaxPooling2D");
        yield return new TestCaseData(new Func<Layer>(() => new GlobalAveragePooling1D()), """{"data_format":"channels_last","keepdims":false}""").SetName("DefaultConfig_GlobalAveragePooling1D");
        yield return new TestCaseData(new Func<Layer>(() => new GlobalMaxPooling1D()), """{"data_format":"channels_last","keepdims":false}""").SetName("DefaultConfig_GlobalMaxPooling1D");
    }

    [TestCaseSource(nameof(DefaultConfigCases))]
    public void DefaultConfig_MatchesKeras3(Func<Layer> make, string ownKeys) => ConvolutionalConfigAssert.MatchesKeras(make(), ownKeys);

    [Test]
    public void Pooling_BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => new MaxPooling2D([0, 2]));
        Assert.Throws<ArgumentException>(() => new MaxPooling2D([2, 2, 2]));
        Assert.Throws<ArgumentException>(() => new MaxPooling2D(padding: "causal"));
        Assert.Throws<ArgumentException>(() => new AveragePooling1D([2], [0]));
        Assert.Throws<ArgumentException>(() => new GlobalAveragePooling2D(dataFormat: "NHWC"));
        Assert.Throws<ShapeMismatchException>(() => new MaxPooling2D().Apply(KerasTestUtil.Random(1, 2, 4, 3)));
        Assert.Throws<ShapeMismatchException>(() => new GlobalMaxPooling1D().Apply(KerasTestUtil.Random(1, 2, 4, 4, 3)));
    }
}
