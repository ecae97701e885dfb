using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Saving;
using Newtonsoft.Json.Linq;
using static DeepNet.Tests.Keras.Layers.AttentionReference;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>
/// MultiHeadAttention inside functional models with Keras 3's call arguments (a separate value,
/// attention_mask as a graph input, use_causal_mask, return_attention_scores): the graph runs
/// them, configs and files keep them, and Keras 3 and Keras 2 inbound_nodes that hold them load.
/// </summary>
public class MultiHeadAttentionGraphTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    // B=2 sequences of T=4 positions with D=6 features; 2 heads of key_dim 3.
    private const int B = 2, T = 4, D = 6, Heads = 2, KeyDim = 3;

    private static double[] RandomDoubles(int seed, int n, double scale = 1)
    {
        var rng = new Random(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (rng.NextDouble() * 2 - 1) * scale;
        return v;
    }

    private static Tensor ToTensor(double[] v, params int[] shape) => Tensor.FromArray(v.Select(d => (float)d).ToArray(), new Shape(shape));

    private static readonly double[] X = RandomDoubles(1, B * T * D);

    /// <summary>(B, T, T): sample 0 may not attend to position 2, sample 1 not to position 0 from positions ≥ 2.</summary>
    private static readonly double[] AttentionMaskValues = MakeAttentionMask();

    private static double[] MakeAttentionMask()
    {
        var m = new double[B * T * T];
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < T; i++)
            {
                for (int j = 0; j < T; j++)
                    m[(b * T + i) * T + j] = (b == 0 && j == 2) || (b == 1 && j == 0 && i >= 2) ? 0 : 1;
            }
        }
        return m;
    }

    private static MhaWeights Weights() => new(
        RandomDoubles(11, D * Heads * KeyDim, 0.5), RandomDoubles(12, Heads * KeyDim, 0.2),
        RandomDoubles(13, D * Heads * KeyDim, 0.5), RandomDoubles(14, Heads * KeyDim, 0.2),
        RandomDoubles(15, D * Heads * KeyDim, 0.5), RandomDoubles(16, Heads * KeyDim, 0.2),
        RandomDoubles(17, Heads * KeyDim * D, 0.5), RandomDoubles(18, D, 0.2));

    private static void SetWeights(MultiHeadAttention mha, MhaWeights w) =>
        mha.SetWeights(new[] { w.Wq, w.Bq, w.Wk, w.Bk, w.Wv, w.Bv, w.Wo, w.Bo }.Select(a => a.Select(d => (float)d).ToArray()).ToArray());

    /// <summary>The float64 output and probabilities of self-attention on X under causal AND the attention mask.</summary>
    private static (double[] Output, double[] Probs) Reference(bool withAttentionMask)
    {
        var mask = new double[B * T * T];
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < T; i++)
            {
                for (int j = 0; j < T; j++)
                {
                    int at = (b * T + i) * T + j;
                    mask[at] = j <= i && (!withAttentionMask || AttentionMaskValues[at] != 0) ? 1 : 0;
                }
            }
        }
        return MultiHead(X, X, X, Weights(), B, T, T, D, D, D, Heads, KeyDim, KeyDim, D, mask);
    }

    /// <summary>A Transformer encoder block: causal self-attention with an attention_mask input, residuals, LayerNorm, a feed-forward.</summary>
    private static (Model Model, MultiHeadAttention Mha) EncoderBlock()
    {
        var x = KerasApi.Input([T, D], name: "tokens");
        var m = KerasApi.Input([T, T], name: "attention_mask");
        var mha = new MultiHeadAttention(Heads, KeyDim, name: "self_attention");
        var a = mha.Apply(x, x, attentionMask: m, useCausalMask: true);
        var h = new LayerNormalization(name: "ln_1").Apply(new Add(name: "residual_1").Apply(x, a));
        var f = new Dense(D, name: "ffn_out").Apply(new Dense(8, activation: "relu", name: "ffn_in").Apply(h));
        var y = new LayerNormalization(name: "ln_2").Apply(new Add(name: "residual_2").Apply(h, f));
        var model = new Model([x, m], [y], name: "encoder");
        Randomize(model);
        SetWeights(mha, Weights());
        return (model, mha);
    }

    private static void Randomize(Model model)
    {
        var rng = new Random(5);
        foreach (var v in model.Weights)
        {
            var data = new float[v.Shape.Size];
            for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1) * 0.5f;
            v.Assign(data);
        }
    }

    private static Tensor[] Inputs() => [ToTensor(X, B, T, D), ToTensor(AttentionMaskValues, B, T, T)];

    [Test]
    public void MultiHeadAttention_CausalWithAttentionMaskInGraph_MatchesFloat64Reference()
    {
        var x = KerasApi.Input([T, D]);
        var m = KerasApi.Input([T, T]);
        var mha = new MultiHeadAttention(Heads, KeyDim);
        var model = new Model([x, m], [mha.Apply(x, x, attentionMask: m, useCausalMask: true)]);
        SetWeights(mha, Weights());

        var output = model.Apply(Inputs());

        Assert.That(output.ToArray(), Is.EqualTo(Reference(withAttentionMask: true).Output.Select(d => (float)d).ToArray()).Within(1e-5f));
        var causalOnly = Reference(withAttentionMask: false).Output.Select(d => (float)d).ToArray();
        Assert.That(output.ToArray(), Is.Not.EqualTo(causalOnly).Within(1e-3f), "the attention_mask input must change the result");
    }

    [Test]
    public void MultiHeadAttention_ReturnAttentionScoresInGraph_GivesOutputAndProbabilities()
    {
        var x = KerasApi.Input([T, D]);
        var mha = new MultiHeadAttention(Heads, KeyDim);
        var (output, scores) = mha.ApplyWithAttentionScores(x, x, useCausalMask: true);
        Assert.That(scores.Shape.ToString(), Is.EqualTo(new KerasShape([null, Heads, T, T]).ToString()));
        var model = new Model([x], [output, scores]);
        SetWeights(mha, Weights());

        var outs = model.ApplyMany([ToTensor(X, B, T, D)]);

        var (refOut, refProbs) = Reference(withAttentionMask: false);
        Assert.That(outs[0].ToArray(), Is.EqualTo(refOut.Select(d => (float)d).ToArray()).Within(1e-5f));
        Assert.That(outs[1].Shape, Is.EqualTo(new Shape(B, Heads, T, T)));
        Assert.That(outs[1].ToArray(), Is.EqualTo(refProbs.Select(d => (float)d).ToArray()).Within(1e-6f));
    }

    [Test]
    public void EncoderBlock_InModel_EqualsCallingTheLayersDirectly()
    {
        var (model, mha) = EncoderBlock();
        var inputs = Inputs();

        var output = model.Apply(inputs);

        var x = inputs[0];
        var a = mha.Call(x, x, attentionMask: inputs[1], useCausalMask: true);
        var h = model.GetLayer("ln_1").Apply(model.GetLayer("residual_1").Apply([x, a]));
        var f = model.GetLayer("ffn_out").Apply(model.GetLayer("ffn_in").Apply(h));
        var expected = model.GetLayer("ln_2").Apply(model.GetLayer("residual_2").Apply([h, f]));
        Assert.That(output.ToArray(), Is.EqualTo(expected.ToArray()));
    }

    [Test]
    public void EncoderBlock_Config_WritesKeras3ArgsAndKwargs()
    {
        var (model, _) = EncoderBlock();
        var layers = (JArray)model.GetConfig()["layers"]!;
        var node = (JObject)layers.Single(l => (string?)l["name"] == "self_attention")["inbound_nodes"]![0]!;

        var args = (JArray)node["args"]!;
        Assert.That(args.Select(a => (string?)a["class_name"]), Is.EqualTo(new[] { "__keras_tensor__", "__keras_tensor__" }));
        Assert.That(args.Select(a => a["config"]!["keras_history"]!.ToObject<object[]>()![0]), Is.EqualTo(new[] { "tokens", "tokens" }));
        var kwargs = (JObject)node["kwargs"]!;
        Assert.That(kwargs.Properties().Select(p => p.Name), Is.EquivalentTo(new[] { "attention_mask", "use_causal_mask" }));
        Assert.That((string?)kwargs["attention_mask"]!["class_name"], Is.EqualTo("__keras_tensor__"));
        Assert.That(kwargs["attention_mask"]!["config"]!["keras_history"]!.ToString(Newtonsoft.Json.Formatting.None), Is.EqualTo("[\"attention_mask\",0,0]"));
        Assert.That((bool)kwargs["use_causal_mask"]!, Is.True);
    }

    [TestCase(".keras")]
    [TestCase(".h5")]
    public void EncoderBlock_SavedAndLoaded_GivesTheSamePredictionsAndConfig(string extension)
    {
        var (model, _) = EncoderBlock();
        var expected = model.Apply(Inputs()).ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"deepnet_mha_graph_{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            var loaded = KerasModels.LoadModel(path);

            Assert.That(loaded.Apply(Inputs()).ToArray(), Is.EqualTo(expected));
            Assert.That(JToken.DeepEquals(loaded.GetConfig(), model.GetConfig()), Is.True,
                $"configs differ:\n{loaded.GetConfig()}\n---\n{model.GetConfig()}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void EncoderBlock_JsonAndWeightsH5_RoundTrip()
    {
        var (model, _) = EncoderBlock();
        string path = Path.Combine(Path.GetTempPath(), $"deepnet_mha_graph_{Guid.NewGuid():N}.weights.h5");
        try
        {
            model.SaveWeights(path);
            var loaded = KerasModels.ModelFromJson(model.ToJson());
            loaded.LoadWeights(path);
            Assert.That(loaded.Apply(Inputs()).ToArray(), Is.EqualTo(model.Apply(Inputs()).ToArray()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ReturnAttentionScores_SavedAndLoaded_KeepsBothOutputs()
    {
        var x = KerasApi.Input([T, D]);
        var mha = new MultiHeadAttention(Heads, KeyDim);
        var (output, scores) = mha.ApplyWithAttentionScores(x, x, useCausalMask: true);
        var model = new Model([x], [output, scores]);
        SetWeights(mha, Weights());
        var loaded = Model.FromConfig(model.GetConfig());
        loaded.SetWeights(model.GetWeights());

        var inputs = new[] { ToTensor(X, B, T, D) };
        var a = model.ApplyMany(inputs);
        var b = loaded.ApplyMany(inputs);
        Assert.That(b, Has.Length.EqualTo(2));
        Assert.That(b[0].ToArray(), Is.EqualTo(a[0].ToArray()));
        Assert.That(b[1].ToArray(), Is.EqualTo(a[1].ToArray()));
    }

    // ---- configs written by Keras -----------------------------------------------------------------

    private static string TensorRef(string layer, int node, int tensor, string shape) =>
        $$$"""{"class_name": "__keras_tensor__", "config": {"shape": {{{shape}}}, "dtype": "float32", "keras_history": ["{{{layer}}}", {{{node}}}, {{{tensor}}}]}}""";

    private const string DTypePolicy = """{"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}""";

    /// <summary>A Keras 3 functional config (as keras.saving writes config.json) with the MHA node given.</summary>
    private static string Keras3Config(string mhaNode) => $$$"""
        {
          "module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
          "config": {
            "name": "functional", "trainable": true,
            "layers": [
              {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "x",
               "config": {"batch_shape": [null, {{{T}}}, {{{D}}}], "dtype": "float32", "sparse": false, "ragged": false, "name": "x"},
               "inbound_nodes": []},
              {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "m",
               "config": {"batch_shape": [null, {{{T}}}, {{{T}}}], "dtype": "float32", "sparse": false, "ragged": false, "name": "m"},
               "inbound_nodes": []},
              {"module": "keras.layers", "class_name": "MultiHeadAttention", "registered_name": null, "name": "mha",
               "config": {"name": "mha", "trainable": true, "dtype": {{{DTypePolicy}}},
                 "num_heads": {{{Heads}}}, "key_dim": {{{KeyDim}}}, "value_dim": {{{KeyDim}}}, "dropout": 0.0, "use_bias": true,
                 "output_shape": null, "attention_axes": [1],
                 "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null},
                 "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
                 "kernel_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
                 "kernel_constraint": null, "bias_constraint": null, "seed": null},
               "build_config": {"shapes_dict": {"query_shape": [null, {{{T}}}, {{{D}}}], "value_shape": [null, {{{T}}}, {{{D}}}]}},
               "inbound_nodes": [{{{mhaNode}}}]}
            ],
            "input_layers": [["x", 0, 0], ["m", 0, 0]],
            "output_layers": [["mha", 0, 0]]
          },
          "build_config": {"input_shape": null},
          "compile_config": null
        }
        """;

    private static readonly string X3 = TensorRef("x", 0, 0, $"[null, {T}, {D}]");
    private static readonly string M3 = TensorRef("m", 0, 0, $"[null, {T}, {T}]");

    private static void AssertLoadsAsCausalWithMask(string json)
    {
        var model = KerasModels.ModelFromJson(json);
        SetWeights((MultiHeadAttention)model.GetLayer("mha"), Weights());
        var output = model.Apply(Inputs());
        Assert.That(output.ToArray(), Is.EqualTo(Reference(withAttentionMask: true).Output.Select(d => (float)d).ToArray()).Within(1e-5f));
    }

    [Test]
    public void ModelFromJson_Keras3NodeWithPositionalArgsAndMaskKwargs_RunsTheCall()
    {
        string node = $$$"""{"args": [{{{X3}}}, {{{X3}}}], "kwargs": {"attention_mask": {{{M3}}}, "use_causal_mask": true}}""";
        AssertLoadsAsCausalWithMask(Keras3Config(node));
    }

    [Test]
    public void ModelFromJson_Keras3NodeWithEverythingByKeyword_RunsTheCall()
    {
        string node = $$$"""{"args": [], "kwargs": {"query": {{{X3}}}, "value": {{{X3}}}, "key": null, "attention_mask": {{{M3}}}, "use_causal_mask": true, "return_attention_scores": false, "training": null, "query_mask": null}}""";
        AssertLoadsAsCausalWithMask(Keras3Config(node));
    }

    [Test]
    public void ModelFromJson_Keras2NodeWithTensorTriplesInKwargs_RunsTheCall()
    {
        // tf.keras writes the first argument's tensors as entries and every other argument in the kwargs.
        string node = """[["x", 0, 0, {"value": ["x", 0, 0], "attention_mask": ["m", 0, 0], "use_causal_mask": true}]]""";
        AssertLoadsAsCausalWithMask(Keras3Config(node));
    }

    [Test]
    public void ModelFromJson_UnsupportedKwargWithAValue_ThrowsNamingIt()
    {
        // sliding_window is a constructor argument, not one of the call's.
        string node = $$$"""{"args": [{{{X3}}}, {{{X3}}}], "kwargs": {"sliding_window": 2}}""";
        var e = Assert.Throws<KerasFileException>(() => KerasModels.ModelFromJson(Keras3Config(node)))!;
        Assert.That(e.Message, Does.Contain("'mha'").And.Contain("sliding_window"));
    }

    [Test]
    public void ModelFromJson_UnknownKwargOnAPlainLayer_ThrowsNamingIt()
    {
        var config = JObject.Parse(Keras3Config($$$"""{"args": [{{{X3}}}, {{{X3}}}], "kwargs": {}}"""));
        var layers = (JArray)config["config"]!["layers"]!;
        layers.Add(JObject.Parse($$$"""
            {"module": "keras.layers", "class_name": "Dense", "registered_name": null, "name": "dense",
             "config": {"name": "dense", "units": 2},
             "inbound_nodes": [{"args": [{{{TensorRef("mha", 0, 0, $"[null, {T}, {D}]")}}}], "kwargs": {"initial_state": [1, 2], "mask": null}}]}
            """));
        config["config"]!["output_layers"] = JArray.Parse("""[["dense", 0, 0]]""");
        var e = Assert.Throws<KerasFileException>(() => KerasModels.ModelFromJson(config.ToString()))!;
        Assert.That(e.Message, Does.Contain("'dense'").And.Contain("initial_state"));
    }

    [Test]
    public void ExplicitTrainingArgument_IsKeptByTheNodeAndTheConfig()
    {
        var x = KerasApi.Input([D]);
        var y = new Dropout(0.5f, seed: 3, name: "always_on").ApplyMany([x], training: true)[0];
        var model = new Model([x], [y]);
        var ones = Tensor.FromArray(Enumerable.Repeat(1f, 4 * D).ToArray(), new Shape(4, D));

        // Predict runs in inference mode, but this call was made with training=True.
        var predicted = model.Apply(ones).ToArray();
        Assert.That(predicted, Has.Some.EqualTo(0f));
        Assert.That(predicted.Where(v => v != 0f), Has.All.EqualTo(2f).Within(1e-6f));

        var node = model.GetConfig()["layers"]!.Single(l => (string?)l["name"] == "always_on")["inbound_nodes"]![0]!;
        Assert.That((bool?)node["kwargs"]!["training"], Is.True);
        var loaded = Model.FromConfig(model.GetConfig());
        Assert.That(loaded.GetLayer("always_on").InboundNodes[0].Training, Is.True);
    }
}
