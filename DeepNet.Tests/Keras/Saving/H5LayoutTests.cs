using DeepNet.Keras;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// Files written here are read back with h5py (what Python Keras reads them with) and checked
/// against the layouts of keras-compat §1 and §2, group by group and attribute by attribute.
/// Skipped, with the reason, where no Python with h5py is installed.
/// </summary>
public class H5LayoutTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-layout-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>The layout JSON that h5_layout.py prints for <paramref name="path"/>.</summary>
    private static JObject Layout(string path)
    {
        string script = Path.Combine(TestPaths.RepositoryRoot, "DeepNet.Tests", "Keras", "Saving", "h5_layout.py");
        return JObject.Parse(H5Py.RunFile(script, path));
    }

    private static JToken Node(JObject layout, string path) =>
        layout["h5"]![path] ?? throw new AssertionException($"h5py finds no {path}; it has: {string.Join(", ", ((JObject)layout["h5"]!).Properties().Select(p => p.Name))}");

    private static JToken Attr(JObject layout, string path, string name) =>
        Node(layout, path)["attrs"]![name] ?? throw new AssertionException($"{path} has no attribute {name}");

    private static void AssertStringAttr(JObject layout, string path, string name, string expected)
    {
        var a = Attr(layout, path, name);
        Assert.That((string?)a["type"], Is.EqualTo("vlen-str"), $"{path}@{name} type");
        Assert.That((string?)a["value"], Is.EqualTo(expected), $"{path}@{name}");
    }

    private static void AssertNames(JObject layout, string path, string name, params string[] expected)
    {
        var a = Attr(layout, path, name);
        if (expected.Length == 0)
        {
            // h5py writes an empty list as float64 (0,); Keras reads that as "no names".
            Assert.That((string?)a["type"], Is.EqualTo("float64"), $"{path}@{name} type");
            Assert.That(a["shape"]!.ToObject<int[]>(), Is.EqualTo(new[] { 0 }), $"{path}@{name} shape");
            return;
        }
        Assert.That((string?)a["type"], Is.AnyOf("vlen-str", "fixed-str"), $"{path}@{name} type");
        Assert.That(a["value"]!.ToObject<string[]>(), Is.EqualTo(expected), $"{path}@{name}");
    }

    private static void AssertDataset(JObject layout, string path, params int[] shape)
    {
        var d = Node(layout, path);
        Assert.That((string?)d["kind"], Is.EqualTo("dataset"), path);
        Assert.That(d["shape"]!.ToObject<int[]>(), Is.EqualTo(shape), $"{path} shape");
        Assert.That((string?)d["dtype"], Is.EqualTo("float32"), $"{path} dtype");
    }

    private static void AssertGroup(JObject layout, string path) =>
        Assert.That((string?)Node(layout, path)["kind"], Is.EqualTo("group"), path);

    [Test]
    public void SaveH5_Sequential_HasKerasLegacyFullModelLayout()
    {
        var model = SavingRoundTripTests.SequentialMlp();
        string path = Path.Combine(_dir, "m.h5");
        model.Save(path);
        var layout = Layout(path);

        AssertStringAttr(layout, "/", "keras_version", DeepNet.Keras.Saving.KerasSerializer.KerasVersion);
        AssertStringAttr(layout, "/", "backend", "tensorflow");
        var config = JObject.Parse((string)Attr(layout, "/", "model_config")["value"]!);
        Assert.That((string?)config["class_name"], Is.EqualTo("Sequential"));
        var layers = (JArray)config["config"]!["layers"]!;
        Assert.That(layers.Select(l => (string?)l["class_name"]), Is.EqualTo(new[] { "InputLayer", "Dense", "BatchNormalization", "Dropout", "Dense" }));
        Assert.That(layers.All(l => l["module"] is null), "legacy envelopes in .h5 have class_name and config only");

        AssertGroup(layout, "/model_weights");
        AssertNames(layout, "/model_weights", "layer_names", "hidden", "norm", "drop", "probs");
        AssertStringAttr(layout, "/model_weights", "backend", "tensorflow");
        AssertStringAttr(layout, "/model_weights", "keras_version", DeepNet.Keras.Saving.KerasSerializer.KerasVersion);
        AssertNames(layout, "/model_weights/hidden", "weight_names", "hidden/kernel", "hidden/bias");
        AssertDataset(layout, "/model_weights/hidden/hidden/kernel", 6, 8);
        AssertDataset(layout, "/model_weights/hidden/hidden/bias", 8);
        AssertNames(layout, "/model_weights/norm", "weight_names", "norm/gamma", "norm/beta", "norm/moving_mean", "norm/moving_variance");
        foreach (var w in new[] { "gamma", "beta", "moving_mean", "moving_variance" }) AssertDataset(layout, $"/model_weights/norm/norm/{w}", 8);
        AssertNames(layout, "/model_weights/drop", "weight_names");
        AssertNames(layout, "/model_weights/probs", "weight_names", "probs/kernel", "probs/bias");
        AssertDataset(layout, "/model_weights/probs/probs/kernel", 8, 3);
        AssertNames(layout, "/model_weights/top_level_model_weights", "weight_names");
    }

    [Test]
    public void SaveH5_Functional_ListsInputLayersAndNewFormInboundNodes()
    {
        var model = SavingRoundTripTests.FunctionalTwoInTwoOut();
        string path = Path.Combine(_dir, "f.h5");
        model.Save(path);
        var layout = Layout(path);
        AssertNames(layout, "/model_weights", "layer_names", model.Layers.Select(l => l.Name).ToArray());
        Assert.That(model.Layers[0].Name, Is.EqualTo("in_a"), "functional layer_names include the InputLayers");
        AssertNames(layout, "/model_weights/in_a", "weight_names");
        AssertNames(layout, "/model_weights/shared", "weight_names", "shared/kernel", "shared/bias");
        AssertDataset(layout, "/model_weights/shared/shared/kernel", 5, 4);
        var config = JObject.Parse((string)Attr(layout, "/", "model_config")["value"]!);
        Assert.That((string?)config["class_name"], Is.EqualTo("Functional"));
        var cat = ((JArray)config["config"]!["layers"]!).Single(l => (string?)l["name"] == "cat");
        var args = cat["inbound_nodes"]![0]!["args"]!;
        Assert.That(args[0]!.Select(t => (string?)t["config"]!["keras_history"]![0]), Is.EqualTo(new[] { "sum", "in_a" }));
    }

    [Test]
    public void SaveWeightsH5_Keras2Layout_HasWeightTreeAtTheRoot()
    {
        var model = SavingRoundTripTests.SequentialMlp();
        string path = Path.Combine(_dir, "w.h5");
        model.SaveWeights(path);
        var layout = Layout(path);
        AssertNames(layout, "/", "layer_names", "hidden", "norm", "drop", "probs");
        AssertStringAttr(layout, "/", "backend", "tensorflow");
        Assert.That(Node(layout, "/")["attrs"]!["model_config"], Is.Null, "weights-only files have no model_config");
        AssertDataset(layout, "/hidden/hidden/kernel", 6, 8);
        AssertNames(layout, "/norm", "weight_names", "norm/gamma", "norm/beta", "norm/moving_mean", "norm/moving_variance");
    }

    [Test]
    public void SaveWeights_WeightsH5_HasKeras3LayersVarsLayout()
    {
        var model = SavingRoundTripTests.SequentialMlp();
        string path = Path.Combine(_dir, "m.weights.h5");
        model.SaveWeights(path);
        AssertKeras3Weights(Layout(path));
    }

    private static void AssertKeras3Weights(JObject layout)
    {
        AssertGroup(layout, "/layers");
        AssertGroup(layout, "/vars");
        // Keys are the snake_case class names, de-duplicated in order; not the layer names.
        AssertDataset(layout, "/layers/dense/vars/0", 6, 8);
        AssertDataset(layout, "/layers/dense/vars/1", 8);
        AssertStringAttr(layout, "/layers/dense/vars", "name", "hidden");
        for (int i = 0; i < 4; i++) AssertDataset(layout, $"/layers/batch_normalization/vars/{i}", 8);
        AssertStringAttr(layout, "/layers/batch_normalization/vars", "name", "norm");
        AssertGroup(layout, "/layers/dropout/vars");
        Assert.That(((JObject)layout["h5"]!).Properties().Any(p => p.Name.StartsWith("/layers/dropout/vars/", StringComparison.Ordinal)), Is.False);
        AssertDataset(layout, "/layers/dense_1/vars/0", 8, 3);
        AssertStringAttr(layout, "/layers/dense_1/vars", "name", "probs");
        Assert.That(layout["h5"]!["/layers/input_layer"], Is.Null, "a Sequential's layers do not include its InputLayer");
    }

    [Test]
    public void SaveKeras_Archive_HasStoredMembersConfigMetadataAndWeights()
    {
        var model = SavingRoundTripTests.SequentialMlp();
        string path = Path.Combine(_dir, "m.keras");
        model.Save(path);
        var layout = Layout(path);
        Assert.That(layout["zip"]!["members"]!.ToObject<string[]>(), Is.EqualTo(new[] { "metadata.json", "config.json", "model.weights.h5" }));
        Assert.That(layout["zip"]!["stored"]!.ToObject<bool[]>(), Is.All.True, "Keras writes the members uncompressed");
        Assert.That((string?)layout["metadata"]!["keras_version"], Is.EqualTo(DeepNet.Keras.Saving.KerasSerializer.KerasVersion));
        Assert.That((string?)layout["metadata"]!["date_saved"], Does.Match(@"^\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d$"));
        var config = (JObject)layout["config"]!;
        Assert.That((string?)config["class_name"], Is.EqualTo("Sequential"));
        Assert.That((string?)config["module"], Is.EqualTo("keras"));
        Assert.That(config.ContainsKey("registered_name"));
        var dense = config["config"]!["layers"]![1]!;
        Assert.That((string?)dense["module"], Is.EqualTo("keras.layers"));
        Assert.That((string?)dense["class_name"], Is.EqualTo("Dense"));
        AssertKeras3Weights(layout);
    }

    private static void AssertScalar(JObject layout, string path, string dtype)
    {
        var d = Node(layout, path);
        Assert.That((string?)d["kind"], Is.EqualTo("dataset"), path);
        Assert.That(d["shape"]!.ToObject<int[]>(), Is.Empty, $"{path} is a scalar dataset");
        Assert.That((string?)d["dtype"], Is.EqualTo(dtype), $"{path} dtype");
    }

    /// <summary>The MLP compiled with a named Adam (auto names depend on test order) and its slots built.</summary>
    private static Model CompiledMlp()
    {
        var model = SavingRoundTripTests.SequentialMlp();
        model.Compile(new DeepNet.Keras.Optimizers.Adam(name: "adam"), "categorical_crossentropy", ["accuracy"], lossWeights: [0.5f]);
        model.Optimizer!.Build(model.TrainableWeights);
        return model;
    }

    private static readonly string[] s_adamSlots =
    [
        "hidden_kernel_momentum", "hidden_kernel_velocity", "hidden_bias_momentum", "hidden_bias_velocity",
        "norm_gamma_momentum", "norm_gamma_velocity", "norm_beta_momentum", "norm_beta_velocity",
        "probs_kernel_momentum", "probs_kernel_velocity", "probs_bias_momentum", "probs_bias_velocity",
    ];

    [Test]
    public void SaveH5_CompiledModel_HasTrainingConfigAndOptimizerWeights()
    {
        string path = Path.Combine(_dir, "c.h5");
        CompiledMlp().Save(path);
        var layout = Layout(path);

        var training = JObject.Parse((string)Attr(layout, "/", "training_config")["value"]!);
        Assert.That(training.Properties().Select(p => p.Name), Is.EqualTo(new[]
            { "loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly", "steps_per_execution", "jit_compile", "optimizer_config" }));
        Assert.That(training["metrics"]!.ToObject<string[]>(), Is.EqualTo(new[] { "accuracy" }));
        Assert.That(training["loss_weights"]!.ToObject<double[]>(), Is.EqualTo(new[] { 0.5 }));
        Assert.That(training["weighted_metrics"]!.Type, Is.EqualTo(JTokenType.Null));
        Assert.That((string?)training["loss"]!["class_name"], Is.EqualTo("CategoricalCrossentropy"));
        Assert.That(((JObject)training["loss"]!).Properties().Select(p => p.Name), Is.EqualTo(new[] { "class_name", "config" }), "legacy envelopes in .h5");
        Assert.That(((JObject)training["optimizer_config"]!).Properties().Select(p => p.Name), Is.EqualTo(new[] { "class_name", "config" }));
        Assert.That((string?)training["optimizer_config"]!["class_name"], Is.EqualTo("Adam"));

        // Keras 3 order: iteration (int64 on TensorFlow), learning_rate, then m and v per variable.
        AssertGroup(layout, "/optimizer_weights");
        AssertNames(layout, "/optimizer_weights", "weight_names",
            new[] { "adam/iteration", "adam/learning_rate" }.Concat(s_adamSlots.Select(n => "adam/" + n)).ToArray());
        AssertScalar(layout, "/optimizer_weights/adam/iteration", "int64");
        AssertScalar(layout, "/optimizer_weights/adam/learning_rate", "float32");
        AssertDataset(layout, "/optimizer_weights/adam/hidden_kernel_momentum", 6, 8);
        AssertDataset(layout, "/optimizer_weights/adam/probs_bias_velocity", 3);
    }

    [Test]
    public void SaveKeras_CompiledModel_HasCompileConfigAndOptimizerVars()
    {
        string path = Path.Combine(_dir, "c.keras");
        CompiledMlp().Save(path);
        var layout = Layout(path);

        var compile = (JObject)layout["config"]!["compile_config"]!;
        Assert.That(compile.Properties().Select(p => p.Name), Is.EqualTo(new[]
            { "optimizer", "loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly", "steps_per_execution", "jit_compile" }));
        Assert.That((string?)compile["optimizer"]!["module"], Is.EqualTo("keras.optimizers"));
        Assert.That((string?)compile["loss"]!["module"], Is.EqualTo("keras.losses"));
        Assert.That(compile["metrics"]!.ToObject<string[]>(), Is.EqualTo(new[] { "accuracy" }));

        AssertStringAttr(layout, "/optimizer/vars", "name", "adam");
        AssertScalar(layout, "/optimizer/vars/0", "int64");
        AssertScalar(layout, "/optimizer/vars/1", "float32");
        AssertDataset(layout, "/optimizer/vars/2", 6, 8);
        AssertDataset(layout, "/optimizer/vars/13", 3);
        Assert.That(layout["h5"]!["/optimizer/vars/14"], Is.Null, "2 + 12 slots");
    }

    /// <summary>LSTM, Bidirectional(GRU) and TimeDistributed(Dense): layers whose weights live in sublayers.</summary>
    internal static Sequential RecurrentStack()
    {
        var model = new Sequential(name: "rnn_stack");
        model.Add(KerasApi.Input([5, 3], name: "seq"));
        model.Add(new LSTM(4, returnSequences: true, name: "l"));
        model.Add(new Bidirectional(new GRU(2, returnSequences: true, name: "g"), name: "bi"));
        model.Add(new TimeDistributed(new Dense(2), name: "td"));
        SavingRoundTripTests.Randomize(model, 3);
        return model;
    }

    [Test]
    public void SaveWeights_RecurrentAndWrapperLayers_UseKeras3AttributeNames()
    {
        string path = Path.Combine(_dir, "rnn.weights.h5");
        RecurrentStack().SaveWeights(path);
        var layout = Layout(path);
        // keras-compat §2.2: RNN → cell, Bidirectional → forward_layer/backward_layer, TimeDistributed → layer.
        AssertDataset(layout, "/layers/lstm/cell/vars/0", 3, 16);
        AssertDataset(layout, "/layers/lstm/cell/vars/1", 4, 16);
        AssertDataset(layout, "/layers/lstm/cell/vars/2", 16);
        foreach (var direction in new[] { "forward_layer", "backward_layer" })
        {
            AssertDataset(layout, $"/layers/bidirectional/{direction}/cell/vars/0", 4, 6);
            AssertDataset(layout, $"/layers/bidirectional/{direction}/cell/vars/1", 2, 6);
            AssertDataset(layout, $"/layers/bidirectional/{direction}/cell/vars/2", 2, 6);
        }
        AssertDataset(layout, "/layers/time_distributed/layer/vars/0", 4, 2);
        AssertDataset(layout, "/layers/time_distributed/layer/vars/1", 2);
        Assert.That(layout["h5"]!["/layers/lstm/lstm_cell"], Is.Null);
    }

    [Test]
    public void LoadWeights_FileWithClassKeyedSublayers_StillLoads()
    {
        var model = RecurrentStack();
        string path = Path.Combine(_dir, "old.weights.h5");
        model.SaveWeights(path);
        // Rename the groups to the keys earlier DeepNet versions wrote (class names), with h5py.
        H5Py.RunScript(_dir, """
            import sys, h5py
            with h5py.File(sys.argv[1], "r+") as f:
                f.move("layers/lstm/cell", "layers/lstm/lstm_cell")
                f.move("layers/bidirectional/forward_layer", "layers/bidirectional/gru")
                f.move("layers/bidirectional/gru/cell", "layers/bidirectional/gru/gru_cell")
                f.move("layers/bidirectional/backward_layer", "layers/bidirectional/gru_1")
                f.move("layers/bidirectional/gru_1/cell", "layers/bidirectional/gru_1/gru_cell")
                f.move("layers/time_distributed/layer", "layers/time_distributed/dense")
            """, path);

        var other = RecurrentStack();
        SavingRoundTripTests.Randomize(other, 4);
        other.LoadWeights(path);
        for (int i = 0; i < model.Weights.Count; i++)
            Assert.That(other.Weights[i].ToArray(), Is.EqualTo(model.Weights[i].ToArray()), model.Weights[i].Path);
    }

    /// <summary>Token and position embedding, then self-attention with a separate key; the composite layers of Keras 3 and keras_hub.</summary>
    private static Model AttentionModel()
    {
        var ids = KerasApi.Input([5]);
        var x = new TokenAndPositionEmbedding(11, 5, 6).Apply(ids);
        var y = new MultiHeadAttention(2, 3, valueDim: 4).Apply(x, x, x, useCausalMask: true);
        var model = new Model([ids], [y]);
        SavingRoundTripTests.Randomize(model, 7);
        return model;
    }

    [Test]
    public void SaveKeras_AttentionLayers_UseKeras3AttributeNames()
    {
        string path = Path.Combine(_dir, "attention.keras");
        AttentionModel().Save(path);
        var layout = Layout(path);
        // keras/src/layers/attention/multi_head_attention.py keeps its EinsumDense projections in
        // _query_dense, _key_dense, _value_dense and _output_dense; keras_hub's
        // TokenAndPositionEmbedding its parts in token_embedding and position_embedding.
        AssertDataset(layout, "/layers/multi_head_attention/_query_dense/vars/0", 6, 2, 3);
        AssertDataset(layout, "/layers/multi_head_attention/_query_dense/vars/1", 2, 3);
        AssertDataset(layout, "/layers/multi_head_attention/_key_dense/vars/0", 6, 2, 3);
        AssertDataset(layout, "/layers/multi_head_attention/_key_dense/vars/1", 2, 3);
        AssertDataset(layout, "/layers/multi_head_attention/_value_dense/vars/0", 6, 2, 4);
        AssertDataset(layout, "/layers/multi_head_attention/_value_dense/vars/1", 2, 4);
        AssertDataset(layout, "/layers/multi_head_attention/_output_dense/vars/0", 2, 4, 6);
        AssertDataset(layout, "/layers/multi_head_attention/_output_dense/vars/1", 6);
        AssertDataset(layout, "/layers/token_and_position_embedding/token_embedding/vars/0", 11, 6);
        AssertDataset(layout, "/layers/token_and_position_embedding/position_embedding/vars/0", 5, 6);
        Assert.That(layout["h5"]!["/layers/multi_head_attention/einsum_dense"], Is.Null);

        // The node keeps Keras 3's call: mha(x, x, x, use_causal_mask=True).
        var mha = ((JArray)layout["config"]!["config"]!["layers"]!).Single(l => (string?)l["class_name"] == "MultiHeadAttention");
        var node = mha["inbound_nodes"]![0]!;
        Assert.That(((JArray)node["args"]!).Count, Is.EqualTo(3));
        Assert.That(node["kwargs"]!.ToString(Newtonsoft.Json.Formatting.None), Is.EqualTo("{\"use_causal_mask\":true}"));
    }

    [Test]
    public void LoadWeights_AttentionFileWithClassKeyedSublayers_StillLoads()
    {
        var model = AttentionModel();
        string path = Path.Combine(_dir, "old_attention.weights.h5");
        model.SaveWeights(path);
        // Earlier DeepNet versions keyed the sublayers by class, in build order.
        H5Py.RunScript(_dir, """
            import sys, h5py
            with h5py.File(sys.argv[1], "r+") as f:
                m = "layers/multi_head_attention/"
                for new, old in [("_query_dense", "einsum_dense"), ("_key_dense", "einsum_dense_1"),
                                 ("_value_dense", "einsum_dense_2"), ("_output_dense", "einsum_dense_3")]:
                    f.move(m + new, m + old)
                e = "layers/token_and_position_embedding/"
                f.move(e + "token_embedding", e + "reversible_embedding")
            """, path);

        var other = AttentionModel();
        SavingRoundTripTests.Randomize(other, 8);
        other.LoadWeights(path);
        for (int i = 0; i < model.Weights.Count; i++)
            Assert.That(other.Weights[i].ToArray(), Is.EqualTo(model.Weights[i].ToArray()), model.Weights[i].Path);
    }
}
