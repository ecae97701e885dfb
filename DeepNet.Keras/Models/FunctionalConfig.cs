using DeepNet.Keras.Engine;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Saving;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras;

/// <summary>
/// The config of a functional model (keras/src/models/functional.py, keras-compat §3.4), the one
/// implementation behind <see cref="Model.GetConfig"/>/<see cref="Model.FromConfig"/> and the
/// file formats (<see cref="KerasSerializer"/>). Written in the Keras 3 form: name, trainable,
/// layers (each envelope with <c>name</c> and <c>inbound_nodes</c> as <c>{"args", "kwargs"}</c>
/// with <c>__keras_tensor__</c> references), input_layers and output_layers. Node indices count
/// only this model's nodes; a nested functional model's start at 1 (its node 0 is its own graph),
/// a Sequential's at 0, as Keras numbers them. Read in both the Keras 2 (list) and Keras 3 forms,
/// re-applying every layer in call order (shared layers and calls made out of order included).
/// </summary>
internal static class FunctionalConfig
{
    /// <summary>The config of <paramref name="model"/>, each layer as Keras 3 serializes it.</summary>
    public static JObject Get(Model model) => Get(model, LayerRegistry.SerializeKeras3);

    /// <summary>The config of <paramref name="model"/>, each layer in the form <paramref name="envelope"/> gives.</summary>
    public static JObject Get(Model model, Func<Layer, JObject> envelope)
    {
        // Per layer, the indices (within this model) of its calls that belong to the graph.
        var kept = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        var graphNodes = new HashSet<Node>(model.GraphNodes, ReferenceEqualityComparer.Instance);
        foreach (var layer in model.Layers)
        {
            int k = layer is Model && layer is not Sequential ? 1 : 0;
            foreach (var node in layer.InboundNodes)
            {
                if (graphNodes.Contains(node)) kept[node] = k++;
            }
        }

        JArray History(KerasTensor t) => new(t.Layer.Name, kept.TryGetValue(t.Node, out int i) ? i : 0, t.TensorIndex);
        JObject TensorJson(KerasTensor t) => new()
        {
            ["class_name"] = "__keras_tensor__",
            ["config"] = new JObject { ["shape"] = t.Shape.ToJson(), ["dtype"] = "float32", ["keras_history"] = History(t) },
        };

        var layers = new JArray();
        foreach (var layer in model.Layers)
        {
            var entry = envelope(layer);
            entry["name"] = layer.Name;
            var nodes = new JArray();
            if (layer is not InputLayer)
            {
                foreach (var node in layer.InboundNodes)
                {
                    if (!graphNodes.Contains(node)) continue;
                    // A merge layer gets one argument: the list of its input tensors. (new JArray(JArray) would copy, not nest.)
                    var args = new JArray();
                    if (node.Inputs.Count == 1) args.Add(TensorJson(node.Inputs[0]));
                    else args.Add(new JArray(node.Inputs.Select(TensorJson).ToArray<object>()));
                    nodes.Add(new JObject { ["args"] = args, ["kwargs"] = new JObject() });
                }
            }
            entry["inbound_nodes"] = nodes;
            layers.Add(entry);
        }
        JToken Ends(IReadOnlyList<KerasTensor> ts) => ts.Count == 1 ? History(ts[0]) : new JArray(ts.Select(History));
        return new JObject
        {
            ["name"] = model.Name,
            ["trainable"] = model.Trainable,
            ["layers"] = layers,
            ["input_layers"] = Ends(model.Inputs),
            ["output_layers"] = Ends(model.Outputs),
        };
    }

    /// <summary>Rebuilds a functional model from its config, each layer through <see cref="LayerRegistry"/>.</summary>
    public static Model FromConfig(JObject config) => FromConfig(config, LayerRegistry.Deserialize, "Functional config");

    /// <summary>
    /// Rebuilds a functional model from its config; <paramref name="readLayer"/> makes each layer
    /// (or nested model) from its envelope, <paramref name="source"/> names the file in errors.
    /// </summary>
    public static Model FromConfig(JObject config, Func<JObject, Layer> readLayer, string source)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config["layers"] is not JArray || config["input_layers"] is null || config["output_layers"] is null)
            throw new KerasFileException($"{source}: a functional config needs layers, input_layers and output_layers.");
        return new Reader(source, readLayer).Read(config);
    }

    private sealed class Reader(string source, Func<JObject, Layer> readLayer)
    {
        public Model Read(JObject config)
        {
            var layersJson = (JArray)config["layers"]!;
            var created = new Dictionary<string, Layer>(StringComparer.Ordinal);
            var order = new List<(Layer Layer, List<List<(string Name, int Node, int Tensor)>> Nodes)>();
            var minNodeRef = new Dictionary<string, int>(StringComparer.Ordinal);

            foreach (var entry in layersJson)
            {
                if (entry is not JObject layerJson) throw new KerasFileException($"{source}: a functional layer entry is not an object: {KerasSerializer.Short(entry)}.");
                string name = layerJson.Value<string?>("name") ?? layerJson["config"]?.Value<string?>("name")
                    ?? throw new KerasFileException($"{source}: a functional layer entry has no name: {KerasSerializer.Short(layerJson)}.");
                if (created.ContainsKey(name)) throw new KerasFileException($"{source}: two layers are named '{name}'.");
                var layer = readLayer(layerJson);
                if (layer.Name != name)
                    throw new KerasFileException($"{source}: layer entry '{name}' made a layer named '{layer.Name}'.");
                created[name] = layer;
                var nodes = new List<List<(string, int, int)>>();
                if (layerJson["inbound_nodes"] is JArray inbound)
                {
                    foreach (var node in inbound)
                    {
                        var refs = NodeInputs(node, name);
                        foreach (var r in refs) minNodeRef[r.Item1] = Math.Min(minNodeRef.GetValueOrDefault(r.Item1, int.MaxValue), r.Item2);
                        nodes.Add(refs);
                    }
                }
                order.Add((layer, nodes));
            }
            var inputRefs = Triples(config["input_layers"], "input_layers");
            var outputRefs = Triples(config["output_layers"], "output_layers");
            foreach (var r in inputRefs.Concat(outputRefs)) minNodeRef[r.Name] = Math.Min(minNodeRef.GetValueOrDefault(r.Name, int.MaxValue), r.Node);

            // Outputs of each layer's calls made here, by call order.
            var made = new Dictionary<Layer, List<KerasTensor[]>>(ReferenceEqualityComparer.Instance);
            foreach (var (layer, _) in order) made[layer] = new List<KerasTensor[]>();
            foreach (var (layer, _) in order)
            {
                if (layer is InputLayer input) made[layer].Add([input.Output]);
            }

            KerasTensor? Find((string Name, int Node, int Tensor) r)
            {
                if (!created.TryGetValue(r.Name, out var layer))
                    throw new KerasFileException($"{source}: a node refers to layer '{r.Name}', which is not in the model.");
                int node = r.Node;
                // A nested functional model's node 0 is its own construction in Keras; here it has none.
                if (layer is Model && node > 0 && minNodeRef.GetValueOrDefault(r.Name, 0) >= 1) node--;
                var calls = made[layer];
                if (node < 0) throw new KerasFileException($"{source}: negative node index in a reference to '{r.Name}'.");
                if (node >= calls.Count) return null;
                var outs = calls[node];
                if (r.Tensor < 0 || r.Tensor >= outs.Length)
                    throw new KerasFileException($"{source}: layer '{r.Name}' call {r.Node} has {outs.Length} output(s), a node asks for output {r.Tensor}.");
                return outs[r.Tensor];
            }

            // Process calls in order, deferring those whose inputs are not made yet (shared layers).
            var next = new int[order.Count];
            bool progress = true;
            while (progress)
            {
                progress = false;
                for (int i = 0; i < order.Count; i++)
                {
                    var (layer, nodes) = order[i];
                    while (next[i] < nodes.Count)
                    {
                        var refs = nodes[next[i]];
                        var inputs = new List<KerasTensor>();
                        foreach (var r in refs)
                        {
                            var t = Find(r);
                            if (t is null) break;
                            inputs.Add(t);
                        }
                        if (inputs.Count < refs.Count) break;
                        if (layer is InputLayer)
                        {
                            next[i]++;
                            continue;
                        }
                        if (inputs.Count == 0) throw new KerasFileException($"{source}: layer '{layer.Name}' has a call without inputs.");
                        made[layer].Add(layer.ApplyMany(inputs));
                        next[i]++;
                        progress = true;
                    }
                }
            }
            for (int i = 0; i < order.Count; i++)
            {
                if (next[i] < order[i].Nodes.Count)
                    throw new KerasFileException($"{source}: layer '{order[i].Layer.Name}' call {next[i]} refers to inputs that are never made (broken or cyclic inbound_nodes).");
            }
            var inputs0 = inputRefs.Select(r => Find(r) ?? throw new KerasFileException($"{source}: model input {r.Name} is not made.")).ToArray();
            var outputs0 = outputRefs.Select(r => Find(r) ?? throw new KerasFileException($"{source}: model output {r.Name} is not made.")).ToArray();
            return new Model(inputs0, outputs0, config.Value<string?>("name"), LayerConfig.Trainable(config));
        }

        /// <summary>The tensors one call reads: Keras 2 list of [layer, node, tensor, kwargs] or Keras 3 {args, kwargs}.</summary>
        private List<(string, int, int)> NodeInputs(JToken node, string layerName)
        {
            var refs = new List<(string, int, int)>();
            if (node is JArray k2)
            {
                foreach (var item in k2)
                {
                    if (item is JArray t && t.Count >= 3 && t[0].Type == JTokenType.String)
                    {
                        if ((string?)t[0] == "_CONSTANT_VALUE")
                            throw new KerasFileException($"{source}: layer '{layerName}' is called with a constant argument, which is not supported.");
                        refs.Add(((string)t[0]!, (int)t[1], (int)t[2]));
                    }
                    else throw new KerasFileException($"{source}: layer '{layerName}': unreadable inbound node entry {KerasSerializer.Short(item)}.");
                }
                return refs;
            }
            if (node is JObject k3)
            {
                CollectTensors(k3["args"], refs, 0);
                return refs;
            }
            throw new KerasFileException($"{source}: layer '{layerName}': unreadable inbound node {KerasSerializer.Short(node)}.");
        }

        private void CollectTensors(JToken? token, List<(string, int, int)> into, int depth)
        {
            if (token is null || depth > 32) return;
            if (token is JArray a)
            {
                foreach (var item in a) CollectTensors(item, into, depth + 1);
                return;
            }
            if (token is JObject o && o.Value<string?>("class_name") == "__keras_tensor__")
            {
                if (o["config"]?["keras_history"] is JArray h && h.Count >= 3)
                {
                    into.Add(((string)h[0]!, (int)h[1], (int)h[2]));
                    return;
                }
                throw new KerasFileException($"{source}: a __keras_tensor__ without keras_history: {KerasSerializer.Short(o)}.");
            }
        }

        private List<(string Name, int Node, int Tensor)> Triples(JToken? token, string key)
        {
            var result = new List<(string, int, int)>();
            void Add(JToken t)
            {
                if (t is JArray a && a.Count >= 3 && a[0].Type == JTokenType.String) result.Add(((string)a[0]!, (int)a[1], (int)a[2]));
                else if (t is JArray nested) foreach (var x in nested) Add(x);
                else if (t is JObject dict) foreach (var p in dict.Properties()) Add(p.Value);
                else throw new KerasFileException($"{source}: {key}: unreadable entry {KerasSerializer.Short(t)}.");
            }
            if (token is null) throw new KerasFileException($"{source}: the functional config has no {key}.");
            Add(token);
            if (result.Count == 0) throw new KerasFileException($"{source}: {key} is empty.");
            return result;
        }
    }
}
