using DeepNet.Keras.Engine;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras;

/// <summary>
/// The Keras 3 config of a functional model (keras/src/models/functional.py, keras-compat §3.4):
/// name, trainable, layers (each envelope with <c>name</c> and <c>inbound_nodes</c> in the
/// <c>{"args", "kwargs"}</c> form with <c>__keras_tensor__</c> references), input_layers and
/// output_layers; and the reverse, which re-applies every layer in graph order. Node indices
/// count only this model's nodes; a nested model's start at 1 (its node 0 is its own graph).
/// </summary>
internal static class FunctionalConfig
{
    private static int FirstNodeIndex(Layer layer) => layer is Model ? 1 : 0;

    public static JObject Get(Model model)
    {
        var config = new JObject { ["name"] = model.Name, ["trainable"] = model.Trainable };
        var own = new HashSet<Node>(model.GraphNodes, ReferenceEqualityComparer.Instance);

        // Old node index → index among this model's nodes.
        int NewIndex(Layer layer, int nodeIndex)
        {
            int kept = FirstNodeIndex(layer);
            for (int i = 0; i < nodeIndex; i++)
            {
                if (own.Contains(layer.InboundNodes[i])) kept++;
            }
            return kept;
        }

        JArray TensorRef(KerasTensor t) => new(t.Layer.Name, NewIndex(t.Layer, t.NodeIndex), t.TensorIndex);

        JObject KerasTensorJson(KerasTensor t) => new()
        {
            ["class_name"] = "__keras_tensor__",
            ["config"] = new JObject { ["shape"] = t.Shape.ToJson(), ["dtype"] = "float32", ["keras_history"] = TensorRef(t) },
        };

        var layers = new JArray();
        foreach (var layer in model.Layers)
        {
            var nodes = new JArray();
            foreach (var node in layer.InboundNodes)
            {
                if (!own.Contains(node) || node.IsInput) continue;
                JToken arg = node.Inputs.Count == 1 ? KerasTensorJson(node.Inputs[0]) : new JArray(node.Inputs.Select(KerasTensorJson));
                nodes.Add(new JObject { ["args"] = new JArray(arg), ["kwargs"] = new JObject() });
            }
            var envelope = LayerRegistry.SerializeKeras3(layer);
            envelope["name"] = layer.Name;
            envelope["inbound_nodes"] = nodes;
            layers.Add(envelope);
        }
        config["layers"] = layers;
        config["input_layers"] = model.Inputs.Count == 1 ? TensorRef(model.Inputs[0]) : new JArray(model.Inputs.Select(TensorRef));
        config["output_layers"] = model.Outputs.Count == 1 ? TensorRef(model.Outputs[0]) : new JArray(model.Outputs.Select(TensorRef));
        return config;
    }

    public static Model FromConfig(JObject config)
    {
        var entries = config["layers"] as JArray ?? throw new ArgumentException("A functional config needs \"layers\".");
        var created = new Dictionary<string, Layer>(StringComparer.Ordinal);
        var pending = new List<(Layer Layer, Queue<JObject> Nodes)>();
        foreach (JObject entry in entries)
        {
            var layer = LayerRegistry.Deserialize(entry);
            string name = entry.Value<string>("name") ?? layer.Name;
            created[name] = layer;
            var nodes = new Queue<JObject>();
            if (entry["inbound_nodes"] is JArray inbound)
            {
                foreach (var n in inbound) nodes.Enqueue(n as JObject ?? throw new NotSupportedException($"Layer '{name}': only Keras 3 inbound_nodes ({{\"args\", \"kwargs\"}}) are read here."));
            }
            pending.Add((layer, nodes));
        }

        KerasTensor? Resolve(JToken reference)
        {
            var a = (JArray)reference;
            string layerName = a[0]!.Value<string>()!;
            if (!created.TryGetValue(layerName, out var layer))
                throw new ArgumentException($"The functional config refers to an unknown layer '{layerName}'.");
            int index = a[1]!.Value<int>() - FirstNodeIndex(layer);
            if (layer is InputLayer input) return index == 0 ? input.Output : null;
            return index < layer.InboundNodes.Count ? layer.InboundNodes[index].Outputs[a[2]!.Value<int>()] : null;
        }

        KerasTensor? FromArg(JToken t) => t["config"]?["keras_history"] is JToken h ? Resolve(h) : throw new NotSupportedException($"Unsupported node argument: {t}");

        // Apply each layer's nodes in order, deferring those whose inputs are not made yet.
        bool progress = true;
        while (progress && pending.Any(p => p.Nodes.Count > 0))
        {
            progress = false;
            foreach (var (layer, nodes) in pending)
            {
                while (nodes.Count > 0)
                {
                    var args = (JArray)nodes.Peek()["args"]!;
                    var arg = args[0]!;
                    var nodeInputs = arg is JArray list ? list.Select(FromArg).ToList() : [FromArg(arg)];
                    if (nodeInputs.Any(i => i is null)) break;
                    nodes.Dequeue();
                    layer.ApplyMany(nodeInputs!);
                    progress = true;
                }
            }
        }
        if (pending.Any(p => p.Nodes.Count > 0))
            throw new ArgumentException($"The functional config has nodes whose inputs never appear: {string.Join(", ", pending.Where(p => p.Nodes.Count > 0).Select(p => p.Layer.Name))}.");

        IReadOnlyList<KerasTensor> Refs(JToken token) =>
            token is JArray a && a.Count > 0 && a[0] is JArray ? a.Select(r => Resolve(r)!).ToArray() : [Resolve(token)!];

        var inputs = Refs(config["input_layers"] ?? throw new ArgumentException("A functional config needs \"input_layers\"."));
        var outputs = Refs(config["output_layers"] ?? throw new ArgumentException("A functional config needs \"output_layers\"."));
        return new Model(inputs, outputs, config.Value<string>("name"), LayerConfig.Trainable(config));
    }
}
