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
            ["config"] = new JObject { ["shape"] = t.Shape.ToJson(), ["dtype"] = t.KerasDType, ["keras_history"] = History(t) },
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
                    // The layer writes its call as Python would make it: positional and keyword arguments.
                    var call = new NodeArguments(TensorJson);
                    layer.WriteNode(node, call);
                    nodes.Add(new JObject { ["args"] = call.Args, ["kwargs"] = call.Kwargs });
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
            var order = new List<(Layer Layer, List<(JObject Call, List<(string Name, int Node, int Tensor)> Refs)> Nodes)>();
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
                var nodes = new List<(JObject, List<(string, int, int)>)>();
                if (layerJson["inbound_nodes"] is JArray inbound)
                {
                    foreach (var node in inbound)
                    {
                        var call = NodeCall(node, name);
                        var refs = new List<(string, int, int)>();
                        CollectTensors(call, refs, 0);
                        foreach (var r in refs) minNodeRef[r.Item1] = Math.Min(minNodeRef.GetValueOrDefault(r.Item1, int.MaxValue), r.Item2);
                        nodes.Add((call, refs));
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
                        var (call, refs) = nodes[next[i]];
                        if (refs.Any(r => Find(r) is null)) break;
                        if (layer is InputLayer)
                        {
                            next[i]++;
                            continue;
                        }
                        if (refs.Count == 0) throw new KerasFileException($"{source}: layer '{layer.Name}' has a call without inputs.");
                        var arguments = new NodeArguments((JArray)call["args"]!, (JObject)call["kwargs"]!,
                            reference => Find(History(reference))!, source);
                        made[layer].Add(layer.ApplyNode(arguments));
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

        /// <summary>
        /// One call in the Keras 3 form <c>{"args", "kwargs"}</c>. A Keras 2 node, a list of
        /// <c>[layer, node, tensor, kwargs]</c> for each tensor of the first argument, becomes one
        /// argument (a list when several) and the kwargs, whose <c>[layer, node, tensor]</c>
        /// triples are tensors (tf.keras wrote a MultiHeadAttention's value that way).
        /// </summary>
        private JObject NodeCall(JToken node, string layerName)
        {
            if (node is JObject k3)
            {
                var k3Args = k3["args"] ?? new JArray();
                var k3Kwargs = k3["kwargs"] ?? new JObject();
                if (k3Args is not JArray || k3Kwargs is not JObject)
                    throw new KerasFileException($"{source}: layer '{layerName}': an inbound node needs args as a list and kwargs as an object: {KerasSerializer.Short(node)}.");
                return new JObject { ["args"] = k3Args.DeepClone(), ["kwargs"] = k3Kwargs.DeepClone() };
            }
            if (node is not JArray k2) throw new KerasFileException($"{source}: layer '{layerName}': unreadable inbound node {KerasSerializer.Short(node)}.");
            var tensors = new JArray();
            JObject? kwargs2 = null;
            foreach (var item in k2)
            {
                if (item is not JArray t || t.Count < 3 || t[0].Type != JTokenType.String)
                    throw new KerasFileException($"{source}: layer '{layerName}': unreadable inbound node entry {KerasSerializer.Short(item)}.");
                if ((string?)t[0] == "_CONSTANT_VALUE")
                    throw new KerasFileException($"{source}: layer '{layerName}' is called with a constant argument, which is not supported.");
                tensors.Add(Reference((string)t[0]!, Int(t[1], layerName), Int(t[2], layerName)));
                // Every entry repeats the call's kwargs; Keras reads the last one.
                if (t.Count > 3) kwargs2 = t[3] as JObject ?? (t[3].Type == JTokenType.Null ? null
                    : throw new KerasFileException($"{source}: layer '{layerName}': the kwargs of an inbound node entry are not an object: {KerasSerializer.Short(t[3])}."));
            }
            var arg = tensors.Count == 1 ? tensors[0] : tensors;
            var kwargs = kwargs2 is null ? new JObject() : (JObject)TriplesToReferences(kwargs2, layerName, 0);
            return new JObject { ["args"] = new JArray(arg), ["kwargs"] = kwargs };
        }

        private JToken TriplesToReferences(JToken token, string layerName, int depth)
        {
            if (depth > 32) throw new KerasFileException($"{source}: layer '{layerName}': the kwargs of an inbound node are nested too deeply.");
            if (token is JArray a && a.Count == 3 && a[0].Type == JTokenType.String && a[1].Type == JTokenType.Integer && a[2].Type == JTokenType.Integer)
                return Reference((string)a[0]!, (int)a[1], (int)a[2]);
            if (token is JArray list) return new JArray(list.Select(x => TriplesToReferences(x, layerName, depth + 1)).ToArray<object>());
            if (token is JObject o)
            {
                var copy = new JObject();
                foreach (var p in o.Properties()) copy[p.Name] = TriplesToReferences(p.Value, layerName, depth + 1);
                return copy;
            }
            return token.DeepClone();
        }

        private int Int(JToken token, string layerName) => token.Type == JTokenType.Integer ? (int)token
            : throw new KerasFileException($"{source}: layer '{layerName}': a node or tensor index is not an integer: {KerasSerializer.Short(token)}.");

        private static JObject Reference(string layer, int node, int tensor) => new()
        {
            ["class_name"] = "__keras_tensor__",
            ["config"] = new JObject { ["keras_history"] = new JArray(layer, node, tensor) },
        };

        /// <summary>The <c>[layer, node, tensor]</c> a <c>__keras_tensor__</c> reference points at.</summary>
        private (string Name, int Node, int Tensor) History(JObject reference)
        {
            if (reference["config"]?["keras_history"] is JArray h && h.Count >= 3 && h[0].Type == JTokenType.String
                && h[1].Type == JTokenType.Integer && h[2].Type == JTokenType.Integer)
                return ((string)h[0]!, (int)h[1], (int)h[2]);
            throw new KerasFileException($"{source}: a __keras_tensor__ without a valid keras_history: {KerasSerializer.Short(reference)}.");
        }

        /// <summary>Every tensor reference in a call, its args and kwargs alike.</summary>
        private void CollectTensors(JToken? token, List<(string, int, int)> into, int depth)
        {
            if (token is null) return;
            if (depth > 32) throw new KerasFileException($"{source}: an inbound node is nested too deeply.");
            if (NodeArguments.IsTensor(token))
            {
                into.Add(History((JObject)token));
                return;
            }
            if (token is JArray a)
            {
                foreach (var item in a) CollectTensors(item, into, depth + 1);
            }
            else if (token is JObject o)
            {
                foreach (var p in o.Properties()) CollectTensors(p.Value, into, depth + 1);
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
