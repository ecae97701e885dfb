using DeepNet.Keras;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Tests.Keras.Layers;

public class CoreLayerTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    // ---- names ------------------------------------------------------------------------------

    [Test]
    public void DefaultNames_AreSnakeCaseMadeUnique_AndClearSessionResetsThem()
    {
        Assert.That(new Dense(1).Name, Is.EqualTo("dense"));
        Assert.That(new Dense(1).Name, Is.EqualTo("dense_1"));
        Assert.That(new LeakyReLU().Name, Is.EqualTo("leaky_re_lu"));
        Assert.That(new ActivityRegularization().Name, Is.EqualTo("activity_regularization"));
        Assert.That(new Dense(1, name: "custom").Name, Is.EqualTo("custom"));
        Assert.That(new Dense(1).Name, Is.EqualTo("dense_2"));
        KerasSession.ClearSession();
        Assert.That(new Dense(1).Name, Is.EqualTo("dense"));
        Assert.That(KerasApi.Input([3]).Layer.Name, Is.EqualTo("input_layer"));
    }

    // ---- default configs equal Keras's ---------------------------------------------------------

    private static JObject DTypePolicy() => JObject.Parse("""{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null}""");

    [Test]
    public void DenseDefaultConfig_MatchesKeras3()
    {
        var config = new Dense(10).GetConfig();
        Assert.That(config.Properties().Select(p => p.Name), Is.EqualTo(new[]
        {
            "name", "trainable", "dtype", "units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
            "kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint", "quantization_config",
        }));
        Assert.That(config.Value<string>("name"), Is.EqualTo("dense"));
        Assert.That(config.Value<bool>("trainable"), Is.True);
        Assert.That(JToken.DeepEquals(config["dtype"], DTypePolicy()), Is.True);
        Assert.That(config.Value<int>("units"), Is.EqualTo(10));
        Assert.That(config.Value<string>("activation"), Is.EqualTo("linear"));
        Assert.That(config.Value<bool>("use_bias"), Is.True);
        Assert.That(config["kernel_initializer"]!.Value<string>("class_name"), Is.EqualTo("GlorotUniform"));
        Assert.That(config["bias_initializer"]!.Value<string>("class_name"), Is.EqualTo("Zeros"));
        foreach (var key in new[] { "kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint", "quantization_config" })
            Assert.That(config[key]!.Type, Is.EqualTo(JTokenType.Null), key);
    }

    private static IEnumerable<TestCaseData> DefaultConfigCases()
    {
        yield return new TestCaseData(new Func<Layer>(() => new Dropout(0.2f)), """{"rate":0.2,"seed":null,"noise_shape":null}""").SetName("DefaultConfig_Dropout");
        yield return new TestCaseData(new Func<Layer>(() => new Flatten()), """{"data_format":"channels_last"}""").SetName("DefaultConfig_Flatten");
        yield return new TestCaseData(new Func<Layer>(() => new ReLU()), """{"max_value":null,"negative_slope":0.0,"threshold":0.0}""").SetName("DefaultConfig_ReLU");
        yield return new TestCaseData(new Func<Layer>(() => new LeakyReLU()), """{"negative_slope":0.3}""").SetName("DefaultConfig_LeakyReLU");
        yield return new TestCaseData(new Func<Layer>(() => new ELU()), """{"alpha":1.0}""").SetName("DefaultConfig_ELU");
        yield return new TestCaseData(new Func<Layer>(() => new Softmax()), """{"axis":-1}""").SetName("DefaultConfig_Softmax");
        yield return new TestCaseData(new Func<Layer>(() => new Concatenate()), """{"axis":-1}""").SetName("DefaultConfig_Concatenate");
        yield return new TestCaseData(new Func<Layer>(() => new Add()), """{}""").SetName("DefaultConfig_Add");
        yield return new TestCaseData(new Func<Layer>(() => new Masking()), """{"mask_value":0.0}""").SetName("DefaultConfig_Masking");
        yield return new TestCaseData(new Func<Layer>(() => new ActivityRegularization()), """{"l1":0.0,"l2":0.0}""").SetName("DefaultConfig_ActivityRegularization");
        yield return new TestCaseData(new Func<Layer>(() => new Dot(1)), """{"axes":1,"normalize":false}""").SetName("DefaultConfig_Dot");
        yield return new TestCaseData(new Func<Layer>(() => new RepeatVector(3)), """{"n":3}""").SetName("DefaultConfig_RepeatVector");
        yield return new TestCaseData(new Func<Layer>(() => new GaussianNoise(0.1f)), """{"stddev":0.1,"seed":null}""").SetName("DefaultConfig_GaussianNoise");
    }

    [TestCaseSource(nameof(DefaultConfigCases))]
    public void DefaultConfig_MatchesKeras3(Func<Layer> make, string ownKeys)
    {
        var layer = make();
        var config = layer.GetConfig();
        var expected = JObject.Parse(ownKeys);
        expected.AddFirst(new JProperty("dtype", DTypePolicy()));
        expected.AddFirst(new JProperty("trainable", true));
        expected.AddFirst(new JProperty("name", layer.Name));
        // Compare floats at float32 precision: configs hold float32 values as Keras's do.
        Assert.That(config.Properties().Select(p => p.Name), Is.EqualTo(expected.Properties().Select(p => p.Name)));
        foreach (var p in expected.Properties())
        {
            var actual = config[p.Name]!;
            if (p.Value.Type == JTokenType.Float) Assert.That(actual.Value<double>(), Is.EqualTo(p.Value.Value<double>()).Within(1e-6), p.Name);
            else Assert.That(JToken.DeepEquals(actual, p.Value), Is.True, $"{p.Name}: {actual} vs {p.Value}");
        }
    }

    [Test]
    public void InputLayerConfig_HasKeras3Keys()
    {
        var input = KerasApi.Input([784], name: "pixels").Layer;
        var expected = JObject.Parse("""{"batch_shape":[null,784],"dtype":"float32","sparse":false,"ragged":false,"name":"pixels"}""");
        Assert.That(JToken.DeepEquals(input.GetConfig(), expected), Is.True, input.GetConfig().ToString());
    }

    [Test]
    public void LeakyReLUFromConfig_ReadsKeras2Alpha()
    {
        var layer = (LeakyReLU)Layer.FromConfig("LeakyReLU", JObject.Parse("""{"name":"lr","trainable":true,"dtype":"float32","alpha":0.1}"""));
        Assert.That(layer.NegativeSlope, Is.EqualTo(0.1f));
        Assert.That(layer.GetConfig().ContainsKey("alpha"), Is.False);
    }

    [Test]
    public void FromConfig_UnknownClass_SaysHowToRegister()
    {
        var e = Assert.Throws<ArgumentException>(() => Layer.FromConfig("Frobnicate", new JObject()));
        Assert.That(e!.Message, Does.Contain("Frobnicate").And.Contain("LayerRegistry.Register"));
    }

    // ---- bad arguments ------------------------------------------------------------------------

    [TestCase(0)]
    [TestCase(-3)]
    public void DenseUnits_NotPositive_QuotesTheValue(int units)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dense(units));
        Assert.That(e!.Message, Does.Contain("expected a positive integer").And.Contain($"units={units}"));
    }

    [TestCase(-0.1f)]
    [TestCase(1.5f)]
    public void DropoutRate_OutOfRange_QuotesTheValue(float rate)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(rate));
        Assert.That(e!.Message, Does.Contain($"rate={rate}"));
    }

    [Test]
    public void BadArguments_OtherLayers_QuoteTheValue()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new RepeatVector(0))!.Message, Does.Contain("n=0"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new LeakyReLU(-1f))!.Message, Does.Contain("negative_slope=-1"));
        Assert.That(Assert.Throws<ArgumentException>(() => new Permute([1, 3]))!.Message, Does.Contain("dims=(1, 3)"));
        Assert.That(Assert.Throws<ArgumentException>(() => new Reshape([-1, -1]))!.Message, Does.Contain("target_shape=(-1, -1)"));
        Assert.That(Assert.Throws<ArgumentException>(() => new Activation("frobnicate"))!.Message, Does.Contain("frobnicate"));
    }

    // ---- hand-set weights, exact outputs --------------------------------------------------------

    [Test]
    public void Dense_HandSetWeights_GivesXTimesKernelPlusBiasThroughRelu()
    {
        var dense = new Dense(2, activation: "relu");
        dense.EnsureBuilt(new KerasShape(null, 3));
        dense.SetWeights(new[] { new float[] { 1, -1, 2, 0.5f, -3, 1 }, new float[] { 0.25f, -0.5f } });
        using var x = new Tensor(new float[,] { { 1, 2, 3 }, { -1, 0, 2 } });
        var y = dense.Apply(x).ToArray();
        // Row 0: [1·1 + 2·2 + 3·(−3) + 0.25, 1·(−1) + 2·0.5 + 3·1 − 0.5] = [−3.75, 2.5] → relu [0, 2.5]
        // Row 1: [−1 + 0 − 6 + 0.25, 1 + 0 + 2 − 0.5] = [−6.75, 2.5] → [0, 2.5]
        KerasTestUtil.AssertClose(y, new double[] { 0, 2.5, 0, 2.5 });
    }

    [Test]
    public void Dense_WeightsInKerasOrder_WithPathsAndCount()
    {
        var dense = new Dense(4, name: "d");
        dense.EnsureBuilt(new KerasShape(null, 3));
        Assert.That(dense.Weights.Select(w => w.Path), Is.EqualTo(new[] { "d/kernel", "d/bias" }));
        Assert.That(dense.Weights.Select(w => w.Shape), Is.EqualTo(new[] { new Shape(3, 4), new Shape(4) }));
        Assert.That(dense.CountParams(), Is.EqualTo(16));
        dense.Trainable = false;
        Assert.That(dense.TrainableWeights, Is.Empty);
        Assert.That(dense.NonTrainableWeights, Has.Count.EqualTo(2));
    }

    [Test]
    public void SetWeights_WrongShape_NamesLayerAndBothShapes()
    {
        var dense = new Dense(4, name: "d");
        dense.EnsureBuilt(new KerasShape(null, 3));
        using var wrong = Tensor.Zeros(new Shape(4, 3));
        using var bias = Tensor.Zeros(new Shape(4));
        var e = Assert.Throws<ShapeMismatchException>(() => dense.SetWeights(new[] { wrong, bias }));
        Assert.That(e!.Message, Does.Contain("\"d\"").And.Contain("(3, 4)").And.Contain("(4, 3)"));
        Assert.Throws<ArgumentException>(() => dense.SetWeights(new[] { bias }));
    }

    [Test]
    public void Dense_CalledWithAnotherWidthAfterBuild_NamesLayerExpectedValueAndShape()
    {
        var dense = new Dense(4, name: "d");
        dense.Apply(KerasApi.Input([3]));
        using var x = Tensor.Zeros(new Shape(2, 5));
        var e = Assert.Throws<ShapeMismatchException>(() => dense.Apply(x));
        Assert.That(e!.Message, Does.Contain("\"d\"").And.Contain("value 3").And.Contain("(2, 5)"));
        var e2 = Assert.Throws<ShapeMismatchException>(() => dense.Apply(KerasApi.Input([7])));
        Assert.That(e2!.Message, Does.Contain("(None, 7)"));
    }

    [Test]
    public void AddWeight_AfterBuild_IsRefused()
    {
        var dense = new Dense(2);
        dense.EnsureBuilt(new KerasShape(null, 3));
        Assert.Throws<InvalidOperationException>(() => dense.AddWeight("extra", new Shape(1), new Zeros()));
    }

    [Test]
    public void Activations_UnknownName_ListsKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => DeepNet.Keras.Activations.Get("relu7"));
        Assert.That(e!.Message, Does.Contain("relu7").And.Contain("softmax"));
        Assert.That(DeepNet.Keras.Activations.Get("swish").Name, Is.EqualTo("silu"));
        Assert.That(DeepNet.Keras.Activations.Get((string?)null).Name, Is.EqualTo("linear"));
    }

    // ---- computed values against hand formulas ----------------------------------------------------

    [Test]
    public void ActivationLayers_MatchTheirFormulas()
    {
        var xs = new float[] { -2f, -0.5f, 0f, 0.3f, 1f, 4f };
        using var x = Tensor.FromArray(xs, new Shape(1, 6));
        KerasTestUtil.AssertClose(new LeakyReLU().Apply(x).ToArray(), xs.Select(v => v > 0 ? (double)v : 0.3 * v).ToArray());
        KerasTestUtil.AssertClose(new ELU(0.5f).Apply(x).ToArray(), xs.Select(v => v > 0 ? (double)v : 0.5 * (Math.Exp(v) - 1)).ToArray());
        KerasTestUtil.AssertClose(new ReLU(maxValue: 2f, negativeSlope: 0.1f, threshold: 0.2f).Apply(x).ToArray(),
            xs.Select(v => v >= 0.2 ? Math.Min(v, 2.0) : 0.1 * (v - 0.2)).ToArray());
        double sum = xs.Sum(v => Math.Exp(v));
        KerasTestUtil.AssertClose(new Softmax().Apply(x).ToArray(), xs.Select(v => Math.Exp(v) / sum).ToArray());
        var prelu = new PReLU();
        KerasTestUtil.AssertClose(prelu.Apply(x).ToArray(), xs.Select(v => v > 0 ? (double)v : 0.25 * v).ToArray());
    }

    [Test]
    public void Merges_MatchElementwiseFormulas()
    {
        var a = KerasTestUtil.RandomArray(1, 6);
        var b = KerasTestUtil.RandomArray(2, 6);
        using var ta = Tensor.FromArray(a, new Shape(2, 3));
        using var tb = Tensor.FromArray(b, new Shape(2, 3));
        KerasTestUtil.AssertClose(new Add().Apply([ta, tb]).ToArray(), a.Zip(b, (p, q) => (double)p + q).ToArray());
        KerasTestUtil.AssertClose(new Subtract().Apply([ta, tb]).ToArray(), a.Zip(b, (p, q) => (double)p - q).ToArray());
        KerasTestUtil.AssertClose(new Multiply().Apply([ta, tb]).ToArray(), a.Zip(b, (p, q) => (double)p * q).ToArray());
        KerasTestUtil.AssertClose(new Average().Apply([ta, tb]).ToArray(), a.Zip(b, (p, q) => ((double)p + q) / 2).ToArray());
        KerasTestUtil.AssertClose(new Maximum().Apply([ta, tb]).ToArray(), a.Zip(b, (p, q) => (double)Math.Max(p, q)).ToArray());
        KerasTestUtil.AssertClose(new Minimum().Apply([ta, tb]).ToArray(), a.Zip(b, (p, q) => (double)Math.Min(p, q)).ToArray());
        var dot = new Dot(1).Apply([ta, tb]).ToArray();
        KerasTestUtil.AssertClose(dot, new double[] { a[0] * (double)b[0] + a[1] * b[1] + a[2] * b[2], a[3] * (double)b[3] + a[4] * b[4] + a[5] * b[5] });
        KerasTestUtil.AssertClose(new Concatenate().Apply([ta, tb]).ToArray(),
            a[..3].Concat(b[..3]).Concat(a[3..]).Concat(b[3..]).Select(v => (double)v).ToArray());
    }

    [Test]
    public void Dropout_TrainingZeroesOrScales_InferenceIsIdentity()
    {
        using var x = Tensor.Ones(new Shape(50, 40));
        var dropout = new Dropout(0.25f, seed: 7);
        Assert.That(dropout.Apply(x, training: false).ToArray(), Is.All.EqualTo(1f));
        var y = dropout.Apply(x, training: true).ToArray();
        Assert.That(y.All(v => v == 0f || Math.Abs(v - 1f / 0.75f) < 1e-6), Is.True, "values are 0 or 1/(1-rate)");
        double dropped = y.Count(v => v == 0f) / (double)y.Length;
        Assert.That(dropped, Is.EqualTo(0.25).Within(0.05));
    }

    [Test]
    public void ReshapePermuteRepeatVector_MoveValuesAsKeras()
    {
        var data = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        using var x = Tensor.FromArray(data, new Shape(1, 3, 4));
        Assert.That(new Permute([2, 1]).Apply(x).ToArray(), Is.EqualTo(new float[] { 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11 }));
        Assert.That(new Reshape([4, 3]).Apply(x).Shape, Is.EqualTo(new Shape(1, 4, 3)));
        using var v = Tensor.FromArray(new float[] { 1, 2 }, new Shape(1, 2));
        Assert.That(new RepeatVector(3).Apply(v).ToArray(), Is.EqualTo(new float[] { 1, 2, 1, 2, 1, 2 }));
        using var m = Tensor.FromArray(new float[] { 0, 0, 1, 2, 0, 0 }, new Shape(1, 3, 2));
        Assert.That(new Masking().Apply(m).ToArray(), Is.EqualTo(new float[] { 0, 0, 1, 2, 0, 0 }));
    }
}
