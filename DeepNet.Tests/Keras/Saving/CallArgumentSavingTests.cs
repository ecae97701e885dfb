using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Saving;
using Newtonsoft.Json.Linq;
using static DeepNet.Tests.Keras.Layers.AttentionReference;
using static DeepNet.Tests.Keras.Layers.RecurrentReference;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// Tensors in the keyword arguments of graph nodes, as Keras 3 writes them in inbound_nodes:
/// <c>mask=</c> on recurrent layers, RNN <c>initial_state=[h, c]</c>, MultiHeadAttention's
/// query/value masks and Attention's <c>mask=[query_mask, value_mask]</c>, fed from a bool input.
/// The graph runs them (float64 references), configs and files keep them (bit-identical
/// predictions, equal configs, h5py-readable layouts), and Keras 3 and Keras 2 node forms load.
/// Also the build_config Keras 3 writes for those layers.
/// </summary>
public class CallArgumentSavingTests
{
    // B=3 sequences (RecurrentReference.MakeMask masks sample 0 and 1 differently, keeps sample 2)
    // of T=5 steps with D=4 features; recurrent units U=3; 2 heads of key_dim 2.
    private const int B = 3, T = 5, D = 4, U = 3, Heads = 2, KeyDim = 2;

    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        KerasSession.ClearSession();
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-callargs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static double[] Doubles(int seed, int n, double scale = 0.5)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 2 - 1) * scale).ToArray();
    }

    private static float[] F(double[] v) => v.Select(d => (float)d).ToArray();

    private static readonly double[] X = Doubles(1, B * T * D, 1);
    private static readonly double[] M = MakeMask(B, T);
    private static readonly double[] H0 = Doubles(2, B * U);
    private static readonly double[] C0 = Doubles(3, B * U);

    private static readonly double[][] RnnW = [Doubles(11, D * U), Doubles(12, U * U), Doubles(13, U)];
    private static readonly double[][] LstmMaskedW = [Doubles(21, D * 4 * U), Doubles(22, U * 4 * U), Doubles(23, 4 * U)];
    private static readonly double[][] LstmInitW = [Doubles(31, D * 4 * U), Doubles(32, U * 4 * U), Doubles(33, 4 * U)];

    private static readonly MhaWeights MhaW = new(
        Doubles(41, D * Heads * KeyDim), Doubles(42, Heads * KeyDim, 0.2), Doubles(43, D * Heads * KeyDim), Doubles(44, Heads * KeyDim, 0.2),
        Doubles(45, D * Heads * KeyDim), Doubles(46, Heads * KeyDim, 0.2), Doubles(47, Heads * KeyDim * D), Doubles(48, D, 0.2));

    private static void Set(Layer layer, double[][] w) => layer.SetWeights(w.Select(F).ToArray());

    private static void SetMha(Layer mha) => Set(mha, [MhaW.Wq, MhaW.Bq, MhaW.Wk, MhaW.Bk, MhaW.Wv, MhaW.Bv, MhaW.Wo, MhaW.Bo]);

    /// <summary>
    /// Inputs x (B,T,D), m (B,T) bool, h0 and c0 (B,U). Outputs: SimpleRNN(x, initial_state=[h0],
    /// mask=m) sequences; LSTM(x, mask=m); LSTM(x, initial_state=[h0, c0]); MultiHeadAttention(x,
    /// x, query_mask=m, value_mask=m); Attention([x, x], mask=[m, m]).
    /// </summary>
    private static Model CallArgumentModel()
    {
        var x = KerasApi.Input([T, D], name: "x");
        var m = KerasApi.Input([T], name: "m", dtype: "bool");
        var h0 = KerasApi.Input([U], name: "h0");
        var c0 = KerasApi.Input([U], name: "c0");
        var rnn = new SimpleRNN(U, returnSequences: true, name: "rnn");
        var lstmMasked = new LSTM(U, name: "lstm_masked");
        var lstmInit = new LSTM(U, name: "lstm_init");
        var mha = new MultiHeadAttention(Heads, KeyDim, name: "mha");
        var attention = new Attention(name: "attention");
        var outputs = new[]
        {
            rnn.ApplyWithInitialState(x, [h0], mask: m)[0],
            lstmMasked.ApplyMasked([x], m)[0],
            lstmInit.ApplyWithInitialState(x, [h0, c0])[0],
            mha.Apply(x, x, queryMask: m, valueMask: m),
            attention.Apply(x, x, queryMask: m, valueMask: m),
        };
        var model = new Model([x, m, h0, c0], outputs, name: "call_arguments");
        Set(rnn, RnnW);
        Set(lstmMasked, LstmMaskedW);
        Set(lstmInit, LstmInitW);
        SetMha(mha);
        return model;
    }

    private static Tensor[] Inputs(double[]? mask = null) =>
    [
        Tensor.FromArray(F(X), new Shape(B, T, D)),
        Tensor.FromArray(F(mask ?? M), new Shape(B, T)),
        Tensor.FromArray(F(H0), new Shape(B, U)),
        Tensor.FromArray(F(C0), new Shape(B, U)),
    ];

    /// <summary>(B, T, S) with 1 where the key position is kept by the (B, S) mask.</summary>
    private static double[] KeyPositions(double[] mask)
    {
        var r = new double[B * T * T];
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < T; i++)
            {
                for (int j = 0; j < T; j++) r[(b * T + i) * T + j] = mask[b * T + j];
            }
        }
        return r;
    }

    private static double[] RnnReference() =>
        Run(Kind.SimpleRnn, X, B, T, D, U, RnnW[0], RnnW[1], RnnW[2], mask: M, initial: [H0]).Sequence;

    private static double[] LstmMaskedReference() =>
        Run(Kind.Lstm, X, B, T, D, U, LstmMaskedW[0], LstmMaskedW[1], LstmMaskedW[2], mask: M).States[0];

    private static double[] LstmInitReference() =>
        Run(Kind.Lstm, X, B, T, D, U, LstmInitW[0], LstmInitW[1], LstmInitW[2], initial: [H0, C0]).States[0];

    /// <summary>As Keras 3's call: the value mask counts; query_mask is replaced by the query's own mask, which x has not.</summary>
    private static double[] MhaReference() =>
        MultiHead(X, X, X, MhaW, B, T, T, D, D, D, Heads, KeyDim, KeyDim, D, KeyPositions(M)).Output;

    private static double[] AttentionReference() =>
        Luong(Score.Dot, X, X, X, null, 0, B, T, T, D, D, KeyPositions(M), M).Output;

    private static void AssertClose(Tensor actual, double[] expected, string what) =>
        Assert.That(actual.ToArray(), Is.EqualTo(F(expected)).Within(1e-5f), what);

    [Test]
    public void Graph_CallArgumentsFromABoolInput_MatchFloat64References()
    {
        var outputs = CallArgumentModel().PredictMany(Inputs());

        AssertClose(outputs[0], RnnReference(), "SimpleRNN(x, initial_state=[h0], mask=m)");
        AssertClose(outputs[1], LstmMaskedReference(), "LSTM(x, mask=m)");
        AssertClose(outputs[2], LstmInitReference(), "LSTM(x, initial_state=[h0, c0])");
        AssertClose(outputs[3], MhaReference(), "MultiHeadAttention(x, x, value_mask=m)");
        AssertClose(outputs[4], AttentionReference(), "Attention([x, x], mask=[m, m])");
    }

    [Test]
    public void Graph_ExplicitMask_ReplacesTheMaskTheGraphWouldPass()
    {
        // Masking(0) marks sample 0's first step; the explicit all-ones mask must win over it.
        var x = KerasApi.Input([T, D], name: "x");
        var m = KerasApi.Input([T], name: "m", dtype: "bool");
        var masked = new Masking(0f, name: "masking").Apply(x);
        var lstm = new LSTM(U, name: "lstm");
        var model = new Model([x, m], [lstm.ApplyMasked([masked], m)[0]]);
        Set(lstm, LstmMaskedW);
        var xs = (double[])X.Clone();
        for (int d = 0; d < D; d++) xs[d] = 0;

        var output = model.PredictMany([Tensor.FromArray(F(xs), new Shape(B, T, D)), Tensor.FromArray(Enumerable.Repeat(1f, B * T).ToArray(), new Shape(B, T))])[0];

        AssertClose(output, Run(Kind.Lstm, xs, B, T, D, U, LstmMaskedW[0], LstmMaskedW[1], LstmMaskedW[2]).States[0], "no step masked");
    }

    [Test]
    public void ApplyMasked_MaskOfAnotherShape_ThrowsNamingTheLayerAndBothShapes()
    {
        var x = KerasApi.Input([T, D], name: "x");
        var m = KerasApi.Input([T + 1], name: "m", dtype: "bool");
        var e = Assert.Throws<ShapeMismatchException>(() => new LSTM(U, name: "lstm").ApplyMasked([x], m))!;
        Assert.That(e.Message, Does.Contain("lstm").And.Contain(m.Shape.ToString()).And.Contain(x.Shape.ToString()));
    }

    [Test]
    public void ApplyMasked_AttentionLayers_PointToTheirOwnMaskArguments()
    {
        var x = KerasApi.Input([T, D], name: "x");
        var m = KerasApi.Input([T], name: "m", dtype: "bool");
        Assert.That(() => new MultiHeadAttention(Heads, KeyDim, name: "mha").ApplyMasked([x, x], m),
            Throws.TypeOf<NotSupportedException>().With.Message.Contains("'mha'").And.Message.Contains("valueMask"));
        Assert.That(() => new Attention(name: "att").ApplyMasked([x, x], m),
            Throws.TypeOf<NotSupportedException>().With.Message.Contains("'att'").And.Message.Contains("queryMask"));
    }

    [Test]
    public void Config_WritesTheTensorKwargsAsKeras3Does()
    {
        var layers = (JArray)CallArgumentModel().GetConfig()["layers"]!;
        JObject Kwargs(string layer) => (JObject)layers.Single(l => (string?)l["name"] == layer)["inbound_nodes"]![0]!["kwargs"]!;
        static string History(JToken reference) => reference["config"]!["keras_history"]!.ToString(Newtonsoft.Json.Formatting.None);

        var rnn = Kwargs("rnn");
        Assert.That(rnn.Properties().Select(p => p.Name), Is.EquivalentTo(new[] { "initial_state", "mask" }));
        Assert.That(((JArray)rnn["initial_state"]!).Select(History), Is.EqualTo(new[] { "[\"h0\",0,0]" }));
        Assert.That(History(rnn["mask"]!), Is.EqualTo("[\"m\",0,0]"));
        Assert.That((string?)rnn["mask"]!["config"]!["dtype"], Is.EqualTo("bool"));
        Assert.That(Kwargs("lstm_masked").Properties().Select(p => p.Name), Is.EqualTo(new[] { "mask" }));
        Assert.That(((JArray)Kwargs("lstm_init")["initial_state"]!).Select(History), Is.EqualTo(new[] { "[\"h0\",0,0]", "[\"c0\",0,0]" }));
        Assert.That(Kwargs("mha").Properties().Select(p => p.Name), Is.EquivalentTo(new[] { "query_mask", "value_mask" }));
        Assert.That(((JArray)Kwargs("attention")["mask"]!).Select(History), Is.EqualTo(new[] { "[\"m\",0,0]", "[\"m\",0,0]" }));
        var rnnArgs = (JArray)layers.Single(l => (string?)l["name"] == "rnn")["inbound_nodes"]![0]!["args"]!;
        Assert.That(rnnArgs.Select(History), Is.EqualTo(new[] { "[\"x\",0,0]" }), "the sequence alone is positional");
    }

    [Test]
    public void BuildConfig_IsWhatKeras3WritesForEachLayer()
    {
        var model = CallArgumentModel();
        JToken? Build(string layer) => LayerRegistry.SerializeKeras3(model.GetLayer(layer))["build_config"];
        static string Json(JToken? t) => t?.ToString(Newtonsoft.Json.Formatting.None) ?? "null";

        // MultiHeadAttention.build(query_shape, value_shape, key_shape=None): shapes_dict by parameter.
        Assert.That(Json(Build("mha")), Is.EqualTo("""{"shapes_dict":{"query_shape":[null,5,4],"value_shape":[null,5,4]}}"""));
        // RNN.build(sequences_shape, initial_state_shape=None): shapes_dict when the call had initial_state.
        Assert.That(Json(Build("lstm_init")), Is.EqualTo("""{"shapes_dict":{"sequences_shape":[null,5,4],"initial_state_shape":[[null,3],[null,3]]}}"""));
        Assert.That(Json(Build("lstm_masked")), Is.EqualTo("""{"input_shape":[null,5,4]}"""), "the mask is no build argument");
        // Attention.build(input_shape) gets the list [query, value].
        Assert.That(Json(Build("attention")), Is.EqualTo("""{"input_shape":[[null,5,4],[null,5,4]]}"""));
    }

    [Test]
    public void BuildConfig_ShapesDict_BuildsMultiHeadAttentionBeforeWeightsLoad()
    {
        var envelope = JObject.Parse("""
            {"module": "keras.layers", "class_name": "MultiHeadAttention", "registered_name": null,
             "config": {"name": "mha", "num_heads": 2, "key_dim": 3, "value_dim": 5},
             "build_config": {"shapes_dict": {"query_shape": [null, 4, 6], "value_shape": [null, 7, 8], "key_shape": [null, 7, 9]}}}
            """);
        var mha = (MultiHeadAttention)LayerRegistry.Deserialize(envelope);

        Assert.That(mha.Built, Is.True);
        Assert.That(mha.Weights.Select(w => w.Shape.ToString()), Is.EqualTo(new[]
        {
            new Shape(6, 2, 3).ToString(), new Shape(2, 3).ToString(),   // query
            new Shape(9, 2, 3).ToString(), new Shape(2, 3).ToString(),   // key
            new Shape(8, 2, 5).ToString(), new Shape(2, 5).ToString(),   // value
            new Shape(2, 5, 6).ToString(), new Shape(6).ToString(),      // attention_output
        }));
    }

    [TestCase(".keras")]
    [TestCase(".h5")]
    public void SaveAndLoad_CallArgumentModel_GivesBitIdenticalPredictionsAndTheSameConfig(string extension)
    {
        var model = CallArgumentModel();
        var expected = model.PredictMany(Inputs());
        string path = Path.Combine(_dir, "call_arguments" + extension);
        model.Save(path);
        var loaded = KerasModels.LoadModel(path);

        Assert.That(JToken.DeepEquals(loaded.GetConfig(), model.GetConfig()), Is.True, $"configs differ:\n{loaded.GetConfig()}\n---\n{model.GetConfig()}");
        var actual = loaded.PredictMany(Inputs());
        for (int i = 0; i < expected.Length; i++) Assert.That(actual[i].ToArray(), Is.EqualTo(expected[i].ToArray()), $"output {i}");
    }

    [Test]
    public void JsonAndWeightsH5_CallArgumentModel_RoundTrips()
    {
        var model = CallArgumentModel();
        string path = Path.Combine(_dir, "call_arguments.weights.h5");
        model.SaveWeights(path);
        var loaded = KerasModels.ModelFromJson(model.ToJson());
        loaded.LoadWeights(path);

        var expected = model.PredictMany(Inputs());
        var actual = loaded.PredictMany(Inputs());
        for (int i = 0; i < expected.Length; i++) Assert.That(actual[i].ToArray(), Is.EqualTo(expected[i].ToArray()), $"output {i}");
    }

    /// <summary>The layout JSON that h5_layout.py (the H5LayoutTests script) prints for <paramref name="path"/>.</summary>
    private static JObject Layout(string path) =>
        JObject.Parse(H5Py.RunFile(Path.Combine(TestPaths.RepositoryRoot, "DeepNet.Tests", "Keras", "Saving", "h5_layout.py"), path));

    private static JToken Node(JObject layout, string path) =>
        layout["h5"]![path] ?? throw new AssertionException($"h5py finds no {path}; it has: {string.Join(", ", ((JObject)layout["h5"]!).Properties().Select(p => p.Name))}");

    private static JToken LayerEntry(JObject modelConfig, string name) =>
        ((JArray)modelConfig["config"]!["layers"]!).Single(l => (string?)l["name"] == name);

    [Test]
    public void SaveH5_CallArgumentModel_H5pyReadsTheLayoutAndTheKwargs()
    {
        var model = CallArgumentModel();
        string path = Path.Combine(_dir, "call_arguments.h5");
        model.Save(path);
        var layout = Layout(path);

        var names = Node(layout, "/model_weights")["attrs"]!["layer_names"]!;
        Assert.That(names["value"]!.ToObject<string[]>(), Is.EqualTo(model.Layers.Select(l => l.Name).ToArray()));
        var kernel = Node(layout, "/model_weights/lstm_init/lstm_cell/kernel");
        Assert.That(kernel["shape"]!.ToObject<int[]>(), Is.EqualTo(new[] { D, 4 * U }));
        var config = JObject.Parse((string)Node(layout, "/")["attrs"]!["model_config"]!["value"]!);
        var kwargs = LayerEntry(config, "lstm_init")["inbound_nodes"]![0]!["kwargs"]!;
        Assert.That(((JArray)kwargs["initial_state"]!).Select(t => (string?)t["class_name"]), Is.EqualTo(new[] { "__keras_tensor__", "__keras_tensor__" }));
        Assert.That((string?)LayerEntry(config, "m")["config"]!["dtype"], Is.EqualTo("bool"));
    }

    [Test]
    public void SaveKeras_CallArgumentModel_H5pyReadsTheArchiveAndTheKwargs()
    {
        string path = Path.Combine(_dir, "call_arguments.keras");
        CallArgumentModel().Save(path);
        var layout = Layout(path);

        Assert.That(layout["zip"]!["members"]!.ToObject<string[]>(), Is.EqualTo(new[] { "metadata.json", "config.json", "model.weights.h5" }));
        // Keras 3 weight files key layers by class (the second LSTM is lstm_1), RNN cells by "cell".
        var kernel = Node(layout, "/layers/lstm_1/cell/vars/0");
        Assert.That(kernel["shape"]!.ToObject<int[]>(), Is.EqualTo(new[] { D, 4 * U }));
        var config = (JObject)layout["config"]!;
        Assert.That(LayerEntry(config, "attention")["inbound_nodes"]![0]!["kwargs"]!["mask"], Has.Count.EqualTo(2));
        Assert.That(LayerEntry(config, "mha")["build_config"]!["shapes_dict"], Is.Not.Null);
    }

    // ---- configs written by Keras -----------------------------------------------------------------

    private static string Ref(string layer, string shape, string dtype = "float32") =>
        $$$"""{"class_name": "__keras_tensor__", "config": {"shape": {{{shape}}}, "dtype": "{{{dtype}}}", "keras_history": ["{{{layer}}}", 0, 0]}}""";

    private const string Policy = """{"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}""";

    private static string InputEntry(string name, string shape, string dtype) => $$$"""
        {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "{{{name}}}",
         "config": {"batch_shape": {{{shape}}}, "dtype": "{{{dtype}}}", "sparse": false, "ragged": false, "name": "{{{name}}}"},
         "inbound_nodes": []}
        """;

    /// <summary>
    /// A Keras 3 functional config.json: inputs x, m (bool), h0; SimpleRNN(return_sequences)
    /// called with <paramref name="rnnNode"/>; Attention called with <paramref name="attentionNode"/>.
    /// </summary>
    private static string Keras3Config(string rnnNode, string attentionNode) => $$$"""
        {
          "module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
          "config": {
            "name": "functional", "trainable": true,
            "layers": [
              {{{InputEntry("x", $"[null, {T}, {D}]", "float32")}}},
              {{{InputEntry("m", $"[null, {T}]", "bool")}}},
              {{{InputEntry("h0", $"[null, {U}]", "float32")}}},
              {"module": "keras.layers", "class_name": "SimpleRNN", "registered_name": null, "name": "rnn",
               "config": {"name": "rnn", "trainable": true, "dtype": {{{Policy}}}, "return_sequences": true, "return_state": false,
                 "go_backwards": false, "stateful": false, "unroll": false, "zero_output_for_mask": false, "units": {{{U}}},
                 "activation": "tanh", "use_bias": true, "dropout": 0.0, "recurrent_dropout": 0.0, "seed": null},
               "build_config": {"shapes_dict": {"sequences_shape": [null, {{{T}}}, {{{D}}}], "initial_state_shape": [[null, {{{U}}}]]}},
               "inbound_nodes": [{{{rnnNode}}}]},
              {"module": "keras.layers", "class_name": "Attention", "registered_name": null, "name": "attention",
               "config": {"name": "attention", "trainable": true, "dtype": {{{Policy}}}, "use_scale": false, "score_mode": "dot", "dropout": 0.0, "seed": null},
               "build_config": {"input_shape": [[null, {{{T}}}, {{{D}}}], [null, {{{T}}}, {{{D}}}]]},
               "inbound_nodes": [{{{attentionNode}}}]}
            ],
            "input_layers": [["x", 0, 0], ["m", 0, 0], ["h0", 0, 0]],
            "output_layers": [["rnn", 0, 0], ["attention", 0, 0]]
          },
          "build_config": {"input_shape": null},
          "compile_config": null
        }
        """;

    private static readonly string X3 = Ref("x", $"[null, {T}, {D}]");
    private static readonly string M3 = Ref("m", $"[null, {T}]", "bool");
    private static readonly string H3 = Ref("h0", $"[null, {U}]");

    /// <summary>Loads the config, sets the SimpleRNN's weights, and checks both outputs against float64.</summary>
    private static void AssertLoadsAndPredicts(string json)
    {
        var model = KerasModels.ModelFromJson(json);
        Set(model.GetLayer("rnn"), RnnW);
        var inputs = Inputs();
        var outputs = model.PredictMany([inputs[0], inputs[1], inputs[2]]);

        AssertClose(outputs[0], RnnReference(), "SimpleRNN(x, initial_state=[h0], mask=m)");
        // mask=[None, m]: no query mask, the value mask m.
        AssertClose(outputs[1], Luong(Score.Dot, X, X, X, null, 0, B, T, T, D, D, KeyPositions(M), null).Output, "Attention([x, x], mask=[None, m])");
    }

    [Test]
    public void ModelFromJson_Keras3TensorKwargs_LoadsAndMatchesFloat64References()
    {
        string rnn = $$$"""{"args": [{{{X3}}}], "kwargs": {"initial_state": [{{{H3}}}], "mask": {{{M3}}}, "training": false}}""";
        string attention = $$$"""{"args": [[{{{X3}}}, {{{X3}}}]], "kwargs": {"mask": [null, {{{M3}}}], "use_causal_mask": false}}""";
        AssertLoadsAndPredicts(Keras3Config(rnn, attention));
    }

    [Test]
    public void ModelFromJson_Keras3SequencesByKeywordAndASingleInitialState_Loads()
    {
        // initial_state may be a bare tensor for a one-state cell.
        string rnn = $$$"""{"args": [], "kwargs": {"sequences": {{{X3}}}, "initial_state": {{{H3}}}, "mask": {{{M3}}}}}""";
        string attention = $$$"""{"args": [], "kwargs": {"inputs": [{{{X3}}}, {{{X3}}}], "mask": [null, {{{M3}}}]}}""";
        AssertLoadsAndPredicts(Keras3Config(rnn, attention));
    }

    // tf.keras lists the sequence and the initial states as the node's entries, each with the
    // call's kwargs, whose tensors are [layer, node, tensor] triples; initial_state may also come
    // as a kwarg of the sequence's entry.
    [TestCase("""[["x", 0, 0, {"mask": ["m", 0, 0]}], ["h0", 0, 0, {"mask": ["m", 0, 0]}]]""")]
    [TestCase("""[["x", 0, 0, {"initial_state": [["h0", 0, 0]], "mask": ["m", 0, 0]}]]""")]
    public void ModelFromJson_Keras2NodeForms_LoadAndMatchFloat64References(string rnn)
    {
        string attention = """[["x", 0, 0, {"mask": [null, ["m", 0, 0]]}], ["x", 0, 0, {"mask": [null, ["m", 0, 0]]}]]""";
        AssertLoadsAndPredicts(Keras3Config(rnn, attention));
    }

    [Test]
    public void ModelFromJson_MaskThatIsNoTensor_ThrowsNamingTheLayerAndTheArgument()
    {
        string rnn = $$$"""{"args": [{{{X3}}}], "kwargs": {"mask": [1, 0, 1]}}""";
        string attention = $$$"""{"args": [[{{{X3}}}, {{{X3}}}]], "kwargs": {}}""";
        var e = Assert.Throws<KerasFileException>(() => KerasModels.ModelFromJson(Keras3Config(rnn, attention)))!;
        Assert.That(e.Message, Does.Contain("'rnn'").And.Contain("mask"));
    }

    [Test]
    public void ModelFromJson_AttentionMaskThatIsNoList_ThrowsNamingTheLayer()
    {
        string rnn = $$$"""{"args": [{{{X3}}}], "kwargs": {}}""";
        string attention = $$$"""{"args": [[{{{X3}}}, {{{X3}}}]], "kwargs": {"mask": {{{M3}}}}}""";
        var e = Assert.Throws<KerasFileException>(() => KerasModels.ModelFromJson(Keras3Config(rnn, attention)))!;
        Assert.That(e.Message, Does.Contain("'attention'").And.Contain("[query_mask, value_mask]"));
    }
}
