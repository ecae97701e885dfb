using DeepNet.Keras.Engine;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Saving;

/// <summary>
/// A layer's Keras 3 <c>build_config</c> (keras/src/layers/layer.py <c>get_build_config</c> /
/// <c>build_from_config</c>): the shapes Keras passed to <c>build</c>, named after build's
/// parameters. One parameter gives <c>{"input_shape": shape}</c> (a list of shapes for a layer
/// called on a list: merge layers, Attention); several give <c>{"shapes_dict": {...}}</c>, e.g.
/// MultiHeadAttention's query_shape, value_shape (key_shape when the call had a key), and an RNN
/// called with initial_state (sequences_shape, initial_state_shape). The shapes are those of the
/// layer's first call; explicit masks are not build arguments.
/// </summary>
internal static class BuildConfig
{
    /// <summary>The build_config of a built layer that has been called in a graph, or null.</summary>
    public static JObject? Get(Layer layer)
    {
        if (!layer.Built || layer is InputLayer || layer.InboundNodes.Count == 0) return null;
        var node = layer.InboundNodes[0];
        var inputs = node.Inputs;
        if (inputs.Count == 0) return null;
        switch (layer, node.Options)
        {
            case (MultiHeadAttention, var options):
            {
                var o = options as MultiHeadAttentionOptions ?? new MultiHeadAttentionOptions(HasKey: inputs.Count > 2);
                var shapes = new JObject { ["query_shape"] = inputs[0].Shape.ToJson(), ["value_shape"] = inputs[1].Shape.ToJson() };
                if (o.HasKey) shapes["key_shape"] = inputs[2].Shape.ToJson();
                return new JObject { ["shapes_dict"] = shapes };
            }
            case (RNN, var options):
            {
                int states = inputs.Count - 1 - (options is ExplicitMaskOptions ? 1 : 0);
                if (states == 0) return new JObject { ["input_shape"] = inputs[0].Shape.ToJson() };
                return new JObject
                {
                    ["shapes_dict"] = new JObject
                    {
                        ["sequences_shape"] = inputs[0].Shape.ToJson(),
                        ["initial_state_shape"] = new JArray(inputs.Skip(1).Take(states).Select(t => t.Shape.ToJson()).ToArray<object>()),
                    },
                };
            }
        }
        int explicitMasks = node.Options switch
        {
            ExplicitMaskOptions => 1,
            AttentionOptions a => a.MaskCount,
            _ => 0,
        };
        int count = inputs.Count - explicitMasks;
        // A layer whose node carries options this does not know reads more than its first argument.
        if (node.Options is not (null or ExplicitMaskOptions or AttentionOptions)) return count == 1 ? Single(inputs[0]) : null;
        if (count == 1) return Single(inputs[0]);
        return new JObject { ["input_shape"] = new JArray(inputs.Take(count).Select(t => t.Shape.ToJson()).ToArray<object>()) };
    }

    private static JObject Single(KerasTensor input) => new() { ["input_shape"] = input.Shape.ToJson() };

    /// <summary>
    /// Builds an unbuilt layer from a build_config (Keras <c>build_from_config</c>); a config
    /// without shapes, or with shapes this does not know how to pass, leaves it for its first call.
    /// </summary>
    public static void Apply(Layer layer, JToken? buildConfig)
    {
        if (layer.Built || buildConfig is not JObject config) return;
        if (config["input_shape"] is JArray shape && shape.Count > 0)
        {
            if (shape.All(d => d is JArray)) layer.EnsureBuilt(shape.Select(KerasShape.FromJson).ToArray());
            else if (shape.All(d => d is JValue)) layer.EnsureBuilt(KerasShape.FromJson(shape));
            return;
        }
        if (config["shapes_dict"] is not JObject shapes) return;
        switch (layer)
        {
            case MultiHeadAttention mha when shapes["query_shape"] is JArray q && shapes["value_shape"] is JArray v:
                mha.Build(KerasShape.FromJson(q), KerasShape.FromJson(v), shapes["key_shape"] is JArray k ? KerasShape.FromJson(k) : null);
                break;
            case RNN or Bidirectional when shapes["sequences_shape"] is JArray s:
                // The states' shapes follow from the cell; the sequence's is what builds it.
                layer.EnsureBuilt(KerasShape.FromJson(s));
                break;
        }
    }
}
