using DeepNet.Keras;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>
/// Attention and AdditiveAttention inside functional models with Keras's use_causal_mask and
/// return_attention_scores: the graph runs the call as the eager layer does, and configs keep it.
/// </summary>
public class AttentionGraphTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    private static Tensor Random(int seed, params int[] shape)
    {
        var rng = new Random(seed);
        var data = new float[shape.Aggregate(1, (a, d) => a * d)];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.FromArray(data, new Shape(shape));
    }

    private static Attention Make(bool additive) =>
        additive ? new AdditiveAttention(name: "attention") : new DeepNet.Keras.Layers.Attention(useScale: true, name: "attention");

    [TestCase(false)]
    [TestCase(true)]
    public void CausalAttentionWithScores_InModel_EqualsTheEagerCall(bool additive)
    {
        var q = KerasApi.Input([3, 4]);
        var v = KerasApi.Input([3, 4]);
        var layer = Make(additive);
        var (output, scores) = layer.ApplyWithAttentionScores(q, v, useCausalMask: true);
        var model = new Model([q, v], [output, scores]);
        layer.SetWeights(layer.Weights.Select((w, i) => Random(20 + i, w.Shape.ToArray())).ToArray());
        var qv = Random(1, 2, 3, 4);
        var vv = Random(2, 2, 3, 4);

        var outs = model.ApplyMany([qv, vv]);

        var (expectedOutput, expectedScores) = layer.CallWithAttentionScores(qv, vv, useCausalMask: true);
        Assert.That(outs[0].ToArray(), Is.EqualTo(expectedOutput.ToArray()));
        Assert.That(outs[1].ToArray(), Is.EqualTo(expectedScores.ToArray()));
        // Causal: the first query position attends only to the first value position.
        Assert.That(outs[1].ToArray()[1], Is.EqualTo(0f).Within(1e-6f));
    }

    [Test]
    public void CausalAttention_ConfigRoundTrip_KeepsTheKwargsAndTheResult()
    {
        var q = KerasApi.Input([3, 4], name: "q");
        var v = KerasApi.Input([3, 4], name: "v");
        var layer = Make(additive: false);
        var model = new Model([q, v], [layer.Apply(q, v, useCausalMask: true)]);

        var node = model.GetConfig()["layers"]!.Single(l => (string?)l["name"] == "attention")["inbound_nodes"]![0]!;
        Assert.That(((JArray)node["args"]!).Count, Is.EqualTo(1), "one list argument [query, value], as Keras calls Attention");
        Assert.That(node["kwargs"]!.ToString(Newtonsoft.Json.Formatting.None), Is.EqualTo("{\"use_causal_mask\":true}"));

        var loaded = KerasModels.ModelFromJson(model.ToJson());
        loaded.SetWeights(model.GetWeights());
        var inputs = new[] { Random(1, 2, 3, 4), Random(2, 2, 3, 4) };
        Assert.That(loaded.Apply(inputs).ToArray(), Is.EqualTo(model.Apply(inputs).ToArray()));
        Assert.That(loaded.GetLayer("attention").InboundNodes[0].Options, Is.EqualTo(new AttentionOptions(UseCausalMask: true)));
    }
}
