using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Saving;
using Newtonsoft.Json.Linq;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// tf.keras 2 functional models with TensorFlow functions called on Keras tensors (TFOpLambda
/// layers). The config is written as tf-keras writes one (keras/layers/core/tf_op_layer.py
/// get_config: name "tf.&lt;function&gt;", function; keras/engine/node.py serialize: each
/// inbound node entry [layer, node, tensor, kwargs], the first tensor argument as the entries and
/// the other arguments as kwargs, tensors there as [layer, node, tensor], "name": null). Outputs
/// are checked against float64 loops; the models round-trip through .keras and .h5.
/// </summary>
public class TFOpLambdaTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        KerasSession.ClearSession();
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-tfop-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static JArray Entry(string layer, JObject? kwargs = null) => new(layer, 0, 0, kwargs ?? new JObject());

    private static JObject Kwargs(object values)
    {
        var o = JObject.FromObject(values);
        o["name"] = null;
        return o;
    }

    /// <summary>A layer entry with one inbound node made of <paramref name="entries"/>.</summary>
    private static JObject LayerEntry(string className, string name, JObject config, params JArray[] entries)
    {
        config["name"] = name;
        return new JObject
        {
            ["class_name"] = className,
            ["config"] = config,
            ["name"] = name,
            ["inbound_nodes"] = entries.Length == 0 ? new JArray() : new JArray((object)new JArray(entries.ToArray<object>())),
        };
    }

    private static JObject Op(string function, params JArray[] entries) =>
        LayerEntry("TFOpLambda", "tf." + function, new JObject { ["trainable"] = true, ["dtype"] = "float32", ["function"] = function }, entries);

    // x (n, 4) → dense (3) ; s = dense·2 + dense ; out1 = reduce_mean(s, axis=1, keepdims=True)
    // out2 = cast(greater(x, 0.5), "float32") ; out3 = reshape(softmax(concat([dense, x], -1)), [-1, 7, 1])
    private static string ModelJson()
    {
        var layers = new JArray(
            LayerEntry("InputLayer", "x", new JObject { ["batch_input_shape"] = new JArray(JValue.CreateNull(), 4), ["dtype"] = "float32", ["sparse"] = false, ["ragged"] = false }),
            LayerEntry("Dense", "dense", new JObject { ["trainable"] = true, ["dtype"] = "float32", ["units"] = 3, ["activation"] = "linear", ["use_bias"] = true }, Entry("x")),
            Op("math.multiply", Entry("dense", Kwargs(new { y = 2.0 }))),
            Op("__operators__.add", Entry("tf.math.multiply", Kwargs(new { y = new JArray("dense", 0, 0) }))),
            Op("math.reduce_mean", Entry("tf.__operators__.add", Kwargs(new { axis = 1, keepdims = true }))),
            Op("math.greater", Entry("x", Kwargs(new { y = 0.5 }))),
            Op("cast", Entry("tf.math.greater", Kwargs(new { dtype = "float32" }))),
            Op("concat", Entry("dense", Kwargs(new { axis = -1 })), Entry("x", Kwargs(new { axis = -1 }))),
            Op("nn.softmax", Entry("tf.concat", Kwargs(new { axis = -1 }))),
            Op("reshape", Entry("tf.nn.softmax", Kwargs(new { shape = new[] { -1, 7, 1 } }))));
        return new JObject
        {
            ["class_name"] = "Functional",
            ["config"] = new JObject
            {
                ["name"] = "model",
                ["layers"] = layers,
                ["input_layers"] = new JArray((object)new JArray("x", 0, 0)),
                ["output_layers"] = new JArray(new JArray("tf.math.reduce_mean", 0, 0), new JArray("tf.cast", 0, 0), new JArray("tf.reshape", 0, 0)),
            },
            ["keras_version"] = "2.11.0",
            ["backend"] = "tensorflow",
        }.ToString();
    }

    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)random.NextDouble()).ToArray();
    }

    private static (Model Model, Tensor X, float[] W, float[] B, float[] Xs) LoadWithWeights()
    {
        var model = KerasModels.ModelFromJson(ModelJson());
        var w = Values(12, 1).Select(v => v - 0.5f).ToArray();
        var b = Values(3, 2).Select(v => v - 0.5f).ToArray();
        model.SetWeights([Tensor.FromArray(w, new Shape(4, 3)), Tensor.FromArray(b, new Shape(3))]);
        var xs = Values(2 * 4, 3);
        return (model, Tensor.FromArray(xs, new Shape(2, 4)), w, b, xs);
    }

    [Test]
    public void TfKeras2Config_WithTfFunctions_PredictsAsFloat64Reference()
    {
        var (model, x, w, b, xs) = LoadWithWeights();
        Assert.That(model.Outputs.Select(o => o.Shape.ToString()), Is.EqualTo(new[]
        {
            new KerasShape(null, 1).ToString(), new KerasShape(null, 4).ToString(), new KerasShape(null, 7, 1).ToString(),
        }));

        var outputs = model.PredictMany([x]).Select(t => t.ToArray()).ToArray();
        for (int n = 0; n < 2; n++)
        {
            var dense = new double[3];
            for (int j = 0; j < 3; j++)
            {
                dense[j] = b[j];
                for (int i = 0; i < 4; i++) dense[j] += (double)xs[n * 4 + i] * w[i * 3 + j];
            }
            Assert.That(outputs[0][n], Is.EqualTo(dense.Average(d => 3 * d)).Within(1e-6), "reduce_mean(2d + d)");
            for (int i = 0; i < 4; i++) Assert.That(outputs[1][n * 4 + i], Is.EqualTo(xs[n * 4 + i] > 0.5f ? 1f : 0f), "cast(greater)");
            var joined = dense.Concat(xs.Skip(n * 4).Take(4).Select(v => (double)v)).ToArray();
            double max = joined.Max(), sum = joined.Sum(v => Math.Exp(v - max));
            for (int k = 0; k < 7; k++) Assert.That(outputs[2][n * 7 + k], Is.EqualTo(Math.Exp(joined[k] - max) / sum).Within(1e-6), "softmax(concat)");
        }
    }

    [TestCase("model.keras")]
    [TestCase("model.h5")]
    public void TfOpModel_RoundTrip_GivesEqualConfigAndBitIdenticalPredictions(string file)
    {
        var (model, x, _, _, _) = LoadWithWeights();
        string path = Path.Combine(_dir, file);
        model.Save(path);
        var loaded = KerasModels.LoadModel(path);

        var before = model.PredictMany([x]).Select(t => t.ToArray()).ToArray();
        var after = loaded.PredictMany([x]).Select(t => t.ToArray()).ToArray();
        Assert.That(after, Is.EqualTo(before));
        Assert.That(JToken.DeepEquals(JObject.Parse(loaded.ToJson())["config"], JObject.Parse(model.ToJson())["config"]), Is.True);
    }

    [Test]
    public void UnknownTfFunction_FailsNamingItAndTheSupportedOnes()
    {
        var config = JObject.Parse(ModelJson());
        ((JObject)config["config"]!["layers"]![2]!["config"]!)["function"] = "image.resize";
        ((JObject)config["config"]!["layers"]![5]!["config"]!)["function"] = "math.erf";
        // Listed with every other unsupported class, as a porter needs the whole gap at once.
        var e = Assert.Throws<UnsupportedLayersException>(() => KerasModels.ModelFromJson(config.ToString()))!;
        Assert.That(e.ClassNames, Is.EqualTo(new[] { "TFOpLambda(tf.image.resize)", "TFOpLambda(tf.math.erf)" }));
        Assert.That(() => new TFOpLambda("image.resize"), Throws.InstanceOf<NotSupportedException>()
            .With.Message.Contains("tf.image.resize is not supported").And.Message.Contains("math.reduce_mean"));
    }

    [Test]
    public void TfFunction_OnIncompatibleShapes_FailsNamingTheLayerAndShapes()
    {
        var config = JObject.Parse(ModelJson());
        // concat along axis 0 of (None, 3) and (None, 4): the feature sizes differ.
        var concat = (JObject)config["config"]!["layers"]![7]!;
        foreach (var entry in (JArray)concat["inbound_nodes"]![0]!) ((JObject)entry[3]!)["axis"] = 0;
        var e = Assert.Throws<KerasFileException>(() => KerasModels.ModelFromJson(config.ToString()))!;
        Assert.That(e.Message, Does.Contain("tf.concat"));
    }
    // x (n, 5, 4) sliced as tf-keras stores x[:, 0], x[..., 1:3] and x[:, -2:, tf.newaxis, -1].
    [TestCase("[{\"start\": null, \"stop\": null, \"step\": null}, 0]", new[] { 4 }, "x[:, 0]")]
    [TestCase("[{\"class_name\": \"__ellipsis__\"}, {\"start\": 1, \"stop\": 3, \"step\": null}]", new[] { 5, 2 }, "x[..., 1:3]")]
    [TestCase("[{\"start\": null, \"stop\": null, \"step\": null}, {\"start\": -2, \"stop\": null, \"step\": null}, null, -1]", new[] { 2, 1 }, "x[:, -2:, None, -1]")]
    public void SlicingOpLambda_TakesPythonSlices(string sliceSpec, int[] sampleShape, string python)
    {
        var layers = new JArray(
            LayerEntry("InputLayer", "x", new JObject { ["batch_input_shape"] = new JArray(JValue.CreateNull(), 5, 4), ["dtype"] = "float32" }),
            LayerEntry("SlicingOpLambda", "tf.__operators__.getitem", new JObject { ["trainable"] = true, ["dtype"] = "float32", ["function"] = "__operators__.getitem" },
                Entry("x", new JObject { ["slice_spec"] = JToken.Parse(sliceSpec) })));
        var json = new JObject
        {
            ["class_name"] = "Functional",
            ["config"] = new JObject
            {
                ["name"] = "slicer",
                ["layers"] = layers,
                ["input_layers"] = new JArray((object)new JArray("x", 0, 0)),
                ["output_layers"] = new JArray((object)new JArray("tf.__operators__.getitem", 0, 0)),
            },
        }.ToString();
        var model = KerasModels.ModelFromJson(json);
        Assert.That(model.Outputs[0].Shape, Is.EqualTo(new KerasShape([null, .. sampleShape.Select(d => (int?)d)])), python);

        var xs = Values(2 * 5 * 4, 7);
        var y = model.Predict(Tensor.FromArray(xs, new Shape(2, 5, 4))).ToArray();
        float X(int n, int t, int k) => xs[(n * 5 + t) * 4 + k];
        var want = new List<float>();
        for (int n = 0; n < 2; n++)
        {
            switch (python)
            {
                case "x[:, 0]": for (int k = 0; k < 4; k++) want.Add(X(n, 0, k)); break;
                case "x[..., 1:3]": for (int t = 0; t < 5; t++) for (int k = 1; k < 3; k++) want.Add(X(n, t, k)); break;
                default: for (int t = 3; t < 5; t++) want.Add(X(n, t, 3)); break;
            }
        }
        Assert.That(y, Is.EqualTo(want.ToArray()), python);

        string path = Path.Combine(_dir, "slicer.keras");
        model.Save(path);
        Assert.That(KerasModels.LoadModel(path).Predict(Tensor.FromArray(xs, new Shape(2, 5, 4))).ToArray(), Is.EqualTo(y));
    }
}
