using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Saving;
using Newtonsoft.Json.Linq;
using static DeepNet.Tests.Keras.Layers.RecurrentReference;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// Model configs written by Keras 1 (keras_version 1.x): old class names and constructor
/// arguments read as Keras 2 does (keras/legacy/interfaces.py, keras/layers/__init__.py of
/// Keras 2.x). The configs below follow the get_config output of Keras 1.2.2's layers (keys such
/// as output_dim, init, bias, W_regularizer, nb_filter, nb_row, border_mode, dim_ordering,
/// inner_activation, consume_less, input_dtype). Each model is checked against an independent
/// reference: float64 loops, or the same model built here with Keras 2 arguments and the same
/// weights.
/// </summary>
public class Keras1ConfigTests
{
    [SetUp]
    public void SetUp() => KerasSession.ClearSession();

    private static JObject Layer(string className, object config) => new() { ["class_name"] = className, ["config"] = JObject.FromObject(config) };

    private static string SequentialJson(params JObject[] layers) =>
        new JObject { ["class_name"] = "Sequential", ["keras_version"] = "1.2.2", ["config"] = new JArray(layers) }.ToString();

    private static float[] Values(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    [Test]
    public void Mlp_Keras1Arguments_BecomeKeras2Config_AndPredictAsFloat64Reference()
    {
        var json = SequentialJson(
            Layer("Dense", new
            {
                W_constraint = (object?)null, b_constraint = (object?)null, name = "dense_1", activity_regularizer = (object?)null, trainable = true,
                init = "glorot_uniform", bias = true, input_dim = 6, activation = "relu",
                W_regularizer = new { l2 = 0.01, name = "WeightRegularizer", l1 = 0.0 }, b_regularizer = (object?)null,
                batch_input_shape = new int?[] { null, 6 }, input_dtype = "float32", output_dim = 5,
            }),
            Layer("Dropout", new { p = 0.25, trainable = true, name = "dropout_1" }),
            Layer("Dense", new
            {
                W_constraint = new { name = "MaxNorm", m = 2, axis = 0 }, b_constraint = (object?)null, name = "dense_2", activity_regularizer = (object?)null,
                trainable = true, init = "uniform", bias = false, input_dim = 5, activation = "softmax", W_regularizer = (object?)null,
                b_regularizer = (object?)null, output_dim = 3,
            }));
        var model = KerasModels.ModelFromJson(json);

        var dense1 = (Dense)model.GetLayer("dense_1");
        var dropout = (Dropout)model.GetLayer("dropout_1");
        var dense2 = (Dense)model.GetLayer("dense_2");
        var c1 = dense1.GetConfig();
        Assert.Multiple(() =>
        {
            Assert.That(c1.Value<int>("units"), Is.EqualTo(5));
            Assert.That(c1.Value<bool>("use_bias"), Is.True);
            Assert.That((string?)c1["kernel_initializer"]!["class_name"], Is.EqualTo("GlorotUniform"));
            Assert.That((string?)c1["kernel_regularizer"]!["class_name"], Is.EqualTo("L1L2"));
            Assert.That(c1["kernel_regularizer"]!["config"]!.Value<double>("l2"), Is.EqualTo(0.01).Within(1e-7));
            Assert.That(dropout.GetConfig().Value<double>("rate"), Is.EqualTo(0.25).Within(1e-7));
            Assert.That(dense2.GetConfig().Value<bool>("use_bias"), Is.False);
            Assert.That((string?)dense2.GetConfig()["kernel_constraint"]!["class_name"], Is.EqualTo("MaxNorm"));
            Assert.That(dense2.GetConfig()["kernel_constraint"]!["config"]!.Value<double>("max_value"), Is.EqualTo(2));
        });

        var w1 = Values(6 * 5, 1);
        var b1 = Values(5, 2);
        var w2 = Values(5 * 3, 3);
        model.SetWeights([Tensor.FromArray(w1, new Shape(6, 5)), Tensor.FromArray(b1, new Shape(5)), Tensor.FromArray(w2, new Shape(5, 3))]);
        var x = Values(2 * 6, 4);
        var y = model.Predict(Tensor.FromArray(x, new Shape(2, 6))).ToArray();

        for (int n = 0; n < 2; n++)
        {
            var h = new double[5];
            for (int j = 0; j < 5; j++)
            {
                double s = b1[j];
                for (int i = 0; i < 6; i++) s += (double)x[n * 6 + i] * w1[i * 5 + j];
                h[j] = Math.Max(0, s);
            }
            var logits = new double[3];
            for (int k = 0; k < 3; k++)
                for (int j = 0; j < 5; j++) logits[k] += h[j] * w2[j * 3 + k];
            double max = logits.Max(), sum = logits.Sum(l => Math.Exp(l - max));
            for (int k = 0; k < 3; k++) Assert.That(y[n * 3 + k], Is.EqualTo(Math.Exp(logits[k] - max) / sum).Within(1e-6), $"sample {n}, class {k}");
        }
    }

    [TestCase("tf")]
    [TestCase("th")]
    public void Cnn_Keras1Convolution2D_MatchesTheSameModelBuiltWithKeras2Arguments(string dimOrdering)
    {
        bool th = dimOrdering == "th";
        int?[] inputShape = th ? [null, 2, 6, 5] : [null, 6, 5, 2];
        var json = SequentialJson(
            Layer("Convolution2D", new
            {
                W_constraint = (object?)null, b_constraint = (object?)null, name = "convolution2d_1", activity_regularizer = (object?)null,
                trainable = true, dim_ordering = dimOrdering, nb_col = 2, subsample = new[] { 1, 1 }, init = "glorot_uniform", bias = true,
                nb_filter = 3, input_dtype = "float32", border_mode = "same", batch_input_shape = inputShape, W_regularizer = (object?)null,
                activation = "relu", b_regularizer = (object?)null, nb_row = 3,
            }),
            Layer("MaxPooling2D", new { name = "maxpooling2d_1", trainable = true, dim_ordering = dimOrdering, pool_size = new[] { 2, 2 }, strides = new[] { 2, 2 }, border_mode = "valid" }),
            Layer("Flatten", new { trainable = true, name = "flatten_1" }),
            Layer("Dense", new { name = "dense_1", output_dim = 4, init = "glorot_uniform", activation = "linear", bias = true, trainable = true }));
        var converted = KerasModels.ModelFromJson(json);

        var conv = converted.GetLayer("convolution2d_1");
        var pool = converted.GetLayer("maxpooling2d_1");
        string format = th ? "channels_first" : "channels_last";
        Assert.Multiple(() =>
        {
            Assert.That(conv, Is.InstanceOf<Conv2D>());
            Assert.That(conv.GetConfig()["kernel_size"]!.Select(t => (int)t), Is.EqualTo(new[] { 3, 2 }));
            Assert.That(conv.GetConfig().Value<string>("padding"), Is.EqualTo("same"));
            Assert.That(conv.GetConfig().Value<string>("data_format"), Is.EqualTo(format));
            Assert.That(pool.GetConfig().Value<string>("data_format"), Is.EqualTo(format));
            Assert.That(pool.GetConfig().Value<string>("padding"), Is.EqualTo("valid"));
        });

        var input = KerasApi.Input(th ? [2, 6, 5] : [6, 5, 2]);
        var h = new Conv2D(3, [3, 2], padding: "same", dataFormat: format, activation: "relu").Apply(input);
        h = new MaxPooling2D([2, 2], dataFormat: format).Apply(h);
        h = new Flatten().Apply(h);
        var expected = new Model([input], [new Dense(4).Apply(h)]);

        var weights = expected.GetWeights().Select((w, i) => Tensor.FromArray(Values((int)w.Shape.Size, 10 + i), w.Shape)).ToArray();
        expected.SetWeights(weights);
        converted.SetWeights(weights);
        var x = Tensor.FromArray(Values(2 * 60, 5), new Shape(th ? [2, 2, 6, 5] : [2, 6, 5, 2]));
        Assert.That(converted.Predict(x).ToArray(), Is.EqualTo(expected.Predict(x).ToArray()));
    }

    [Test]
    public void Lstm_Keras1Arguments_KeepHardSigmoidOfKeras1_AndMatchFloat64Reference()
    {
        const int batch = 2, steps = 5, features = 4, units = 3;
        var json = SequentialJson(
            Layer("LSTM", new
            {
                consume_less = "gpu", stateful = false, init = "glorot_uniform", inner_init = "orthogonal", dropout_U = 0.0, dropout_W = 0.0,
                input_dtype = "float32", return_sequences = false, go_backwards = false, unroll = false, trainable = true,
                batch_input_shape = new int?[] { null, steps, features }, input_dim = features, inner_activation = "hard_sigmoid",
                U_regularizer = (object?)null, W_regularizer = (object?)null, b_regularizer = (object?)null, name = "lstm_1",
                forget_bias_init = "one", activation = "tanh", input_length = steps, output_dim = units,
            }));
        var model = KerasModels.ModelFromJson(json);
        var config = model.GetLayer("lstm_1").GetConfig();
        Assert.Multiple(() =>
        {
            Assert.That(config.Value<int>("units"), Is.EqualTo(units));
            Assert.That(config.Value<string>("recurrent_activation"), Is.EqualTo("hard_sigmoid"));
            Assert.That(config.Value<bool>("unit_forget_bias"), Is.True);
        });

        var kernel = Values(features * 4 * units, 21);
        var recurrent = Values(units * 4 * units, 22);
        var bias = Values(4 * units, 23);
        model.SetWeights([
            Tensor.FromArray(kernel, new Shape(features, 4 * units)),
            Tensor.FromArray(recurrent, new Shape(units, 4 * units)),
            Tensor.FromArray(bias, new Shape(4 * units)),
        ]);
        var x = Values(batch * steps * features, 24);
        var y = model.Predict(Tensor.FromArray(x, new Shape(batch, steps, features))).ToArray();

        static double[] D(float[] v) => v.Select(f => (double)f).ToArray();
        var (_, states) = Run(Kind.Lstm, D(x), batch, steps, features, units, D(kernel), D(recurrent), D(bias),
            recurrentActivation: HardSigmoidKeras2);
        for (int i = 0; i < batch * units; i++) Assert.That(y[i], Is.EqualTo(states[0][i]).Within(1e-5), $"output {i}");
    }

    [Test]
    public void FunctionalModel_Keras1Merge_ReadsAsConcatenateAndAdd()
    {
        // Keras 1 nodes: a list of calls, each a list of [layer name, node index, tensor index].
        static JObject Entry(string className, string name, object config, params string[] inbound) => new()
        {
            ["class_name"] = className,
            ["name"] = name,
            ["config"] = JObject.FromObject(config),
            ["inbound_nodes"] = inbound.Length == 0 ? new JArray() : new JArray((object)new JArray(inbound.Select(n => new JArray(n, 0, 0)))), // (object): not JArray's copy constructor
        };
        var merge = new
        {
            concat_axis = -1, dot_axes = -1, output_shape = (object?)null, output_mask = (object?)null, arguments = new { },
            mode_type = "raw", output_shape_type = "raw", output_mask_type = "raw",
        };
        var json = new JObject
        {
            ["class_name"] = "Model",
            ["keras_version"] = "1.2.2",
            ["config"] = new JObject
            {
                ["name"] = "model_1",
                ["layers"] = new JArray(
                    Entry("InputLayer", "a", new { batch_input_shape = new int?[] { null, 4 }, input_dtype = "float32", sparse = false, name = "a" }),
                    Entry("InputLayer", "b", new { batch_input_shape = new int?[] { null, 4 }, input_dtype = "float32", sparse = false, name = "b" }),
                    Entry("Merge", "merge_1", new { merge.concat_axis, merge.dot_axes, merge.output_shape, merge.output_mask, merge.arguments, merge.mode_type, mode = "concat", name = "merge_1" }, "a", "b"),
                    Entry("Merge", "merge_2", new { merge.concat_axis, merge.dot_axes, merge.output_shape, merge.output_mask, merge.arguments, merge.mode_type, mode = "sum", name = "merge_2" }, "a", "b"),
                    Entry("Dense", "dense_1", new { name = "dense_1", output_dim = 2, init = "glorot_uniform", activation = "linear", bias = false, input_dim = 8, trainable = true }, "merge_1")),
                ["input_layers"] = new JArray(new JArray("a", 0, 0), new JArray("b", 0, 0)),
                ["output_layers"] = new JArray(new JArray("dense_1", 0, 0), new JArray("merge_2", 0, 0)),
            },
        }.ToString();
        var model = KerasModels.ModelFromJson(json);
        Assert.That(model.GetLayer("merge_1"), Is.InstanceOf<Concatenate>());
        Assert.That(model.GetLayer("merge_2"), Is.InstanceOf<Add>());

        var w = Values(8 * 2, 31);
        model.SetWeights([Tensor.FromArray(w, new Shape(8, 2))]);
        var a = Values(4, 32);
        var b = Values(4, 33);
        var outputs = model.PredictMany([Tensor.FromArray(a, new Shape(1, 4)), Tensor.FromArray(b, new Shape(1, 4))]);
        var joined = a.Concat(b).ToArray();
        var dense = outputs[0].ToArray();
        for (int k = 0; k < 2; k++)
            Assert.That(dense[k], Is.EqualTo(Enumerable.Range(0, 8).Sum(i => (double)joined[i] * w[i * 2 + k])).Within(1e-6));
        Assert.That(outputs[1].ToArray(), Is.EqualTo(a.Zip(b, (p, q) => p + q).ToArray()).Within(1e-7));
    }

    [Test]
    public void Keras1OnlyLayersAndModes_FailNamingTheLayer()
    {
        var batchNorm = SequentialJson(Layer("BatchNormalization", new { name = "bn", mode = 2, epsilon = 1e-3, axis = -1, momentum = 0.99, batch_input_shape = new int?[] { null, 4 } }));
        Assert.That(() => KerasModels.ModelFromJson(batchNorm), Throws.InstanceOf<KerasFileException>()
            .With.Message.Contains("'bn'").And.Message.Contains("mode=2"));

        var cos = SequentialJson(Layer("Merge", new { name = "m", mode = "cos", layers = Array.Empty<object>() }));
        Assert.That(() => KerasModels.ModelFromJson(cos), Throws.InstanceOf<KerasFileException>()
            .With.Message.Contains("'m'").And.Message.Contains("mode cos"));

        var sequentialMerge = SequentialJson(Layer("Merge", new { name = "branches", mode = "concat", layers = new[] { new { class_name = "Sequential", config = Array.Empty<object>() } } }));
        Assert.That(() => KerasModels.ModelFromJson(sequentialMerge), Throws.InstanceOf<KerasFileException>()
            .With.Message.Contains("Sequential Merge"));

        var unknown = SequentialJson(
            Layer("Highway", new { name = "h", batch_input_shape = new int?[] { null, 4 } }),
            Layer("MaxoutDense", new { name = "m", output_dim = 3 }));
        var e = Assert.Throws<UnsupportedLayersException>(() => KerasModels.ModelFromJson(unknown))!;
        Assert.That(e.ClassNames, Is.EqualTo(new[] { "Highway", "MaxoutDense" }));
    }

    [Test]
    public void Keras2And3Configs_PassThroughUnchanged()
    {
        // The renames only touch Keras 1 keys: a Keras 3 LSTM keeps Keras 3's hard_sigmoid (no
        // implementation key added) and an Embedding keeps output_dim.
        var lstm = new JObject { ["name"] = "lstm", ["units"] = 3, ["recurrent_activation"] = "hard_sigmoid", ["dropout"] = 0.0 };
        var (lstmClass, lstmConfig) = Keras1Config.Convert("LSTM", (JObject)lstm.DeepClone());
        var embedding = new JObject { ["name"] = "e", ["input_dim"] = 10, ["output_dim"] = 4 };
        var (embeddingClass, embeddingConfig) = Keras1Config.Convert("Embedding", (JObject)embedding.DeepClone());
        Assert.Multiple(() =>
        {
            Assert.That(lstmClass, Is.EqualTo("LSTM"));
            Assert.That(JToken.DeepEquals(lstmConfig, lstm), Is.True, lstmConfig.ToString());
            Assert.That(embeddingClass, Is.EqualTo("Embedding"));
            Assert.That(JToken.DeepEquals(embeddingConfig, embedding), Is.True, embeddingConfig.ToString());
        });
    }
}
