using DeepNet.Keras.Engine;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Utils;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Saving;

/// <summary>
/// Model architectures as JSON (keras-compat §3): reads Sequential and Functional configs in
/// the Keras 2 and Keras 3 forms (legacy and new envelopes, old list and new args/kwargs
/// inbound_nodes, batch_input_shape, list-valued BatchNormalization axis, dtype policy objects)
/// and writes the Keras 3 forms. Only registered layer classes are ever made (no type names
/// from the file are resolved to .NET types).
/// </summary>
public static class KerasSerializer
{
    /// <summary>The Keras version whose file layouts this library writes.</summary>
    public const string KerasVersion = "3.16.0";

    /// <summary>The backend name written beside it (Keras writes the backend it ran on).</summary>
    public const string Backend = "tensorflow";

    private static readonly HashSet<string> s_modelClasses = new(StringComparer.Ordinal) { "Sequential", "Functional", "Model" };

    // ---- reading -------------------------------------------------------------------------------

    /// <summary>Parses JSON text, turning syntax errors into <see cref="KerasFileException"/>.</summary>
    public static JObject ParseJson(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var settings = new JsonLoadSettings { DuplicatePropertyNameHandling = DuplicatePropertyNameHandling.Error };
            using var reader = new JsonTextReader(new StringReader(json)) { MaxDepth = 256, DateParseHandling = DateParseHandling.None };
            var token = JToken.ReadFrom(reader, settings);
            if (reader.Read() && reader.TokenType != JsonToken.Comment)
                throw new KerasFileException($"{source}: unexpected text after the JSON object.");
            return token as JObject ?? throw new KerasFileException($"{source}: expected a JSON object, found {token.Type}.");
        }
        catch (JsonException e)
        {
            throw new KerasFileException($"{source}: not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>
    /// Makes a model from its envelope (<c>{"class_name": "Sequential"|"Functional"|"Model", "config": ...}</c>,
    /// either form). <paramref name="source"/> names the file or text in error messages.
    /// </summary>
    public static Model ModelFromConfig(JObject envelope, string source, string? kerasVersion = null)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        kerasVersion ??= envelope.Value<string?>("keras_version");
        string className = ClassName(envelope, source);
        if (!s_modelClasses.Contains(className))
            throw new KerasFileException($"{source}: expected a model (Sequential or Functional), found class_name '{className}'.");
        var unsupported = new List<string>();
        CollectUnsupported(envelope, unsupported, 0);
        if (unsupported.Count > 0) throw new UnsupportedLayersException(source, unsupported);
        var reader = new ConfigReader(source, IsKeras2(kerasVersion));
        try
        {
            return reader.ReadModel(envelope);
        }
        catch (KerasFileException)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or FormatException
                                   or InvalidCastException or JsonException or OverflowException or KeyNotFoundException
                                   or NullReferenceException or IndexOutOfRangeException)
        {
            throw new KerasFileException($"{source}: cannot rebuild the model from its config: {e.Message}", e);
        }
    }

    /// <summary>Keras 2 writes versions 1.x/2.x; null (unknown) is read as Keras 3 (both are accepted anyway).</summary>
    private static bool IsKeras2(string? version) =>
        version is not null && (version.StartsWith("2.", StringComparison.Ordinal) || version.StartsWith("1.", StringComparison.Ordinal) || version == "1" || version == "2");

    internal static string ClassName(JObject envelope, string source) =>
        envelope["class_name"] is JValue { Type: JTokenType.String } v ? (string)v!
        : throw new KerasFileException($"{source}: a serialized object needs a string class_name, found {Short(envelope)}.");

    /// <summary>Every layer class in the config that the registry does not know, each once.</summary>
    private static void CollectUnsupported(JObject envelope, List<string> into, int depth)
    {
        if (depth > 64) return;
        if (envelope["class_name"] is not JValue { Type: JTokenType.String } nameToken) return;
        string className = (string)nameToken!;
        var config = envelope["config"];
        if (s_modelClasses.Contains(className))
        {
            var layers = config is JArray list ? list : (config as JObject)?["layers"] as JArray;
            if (layers is null) return;
            foreach (var entry in layers)
            {
                if (entry is JObject layerEnvelope) CollectUnsupported(layerEnvelope, into, depth + 1);
            }
            return;
        }
        if (!LayerRegistry.IsRegistered(className) && CustomObjectScope.LayerFactory(className) is null && !into.Contains(className)) into.Add(className);
        // Wrappers (TimeDistributed, Bidirectional) hold their inner layers here.
        if (config is JObject c)
        {
            foreach (var key in new[] { "layer", "backward_layer", "cell" })
            {
                if (c[key] is JObject inner) CollectUnsupported(inner, into, depth + 1);
            }
            if (c["cells"] is JArray cells)
            {
                foreach (var cell in cells.OfType<JObject>()) CollectUnsupported(cell, into, depth + 1);
            }
        }
    }

    internal static string Short(JToken token)
    {
        string text = token.ToString(Formatting.None);
        return text.Length <= 200 ? text : text[..200] + "…";
    }

    /// <summary>Rebuilds layers and graphs from configs.</summary>
    private sealed class ConfigReader(string source, bool keras2)
    {
        public Model ReadModel(JObject envelope)
        {
            string className = ClassName(envelope, source);
            var config = envelope["config"];
            if (className == "Sequential") return ReadSequential(config);
            if (config is not JObject c) throw new KerasFileException($"{source}: {className} config must be an object, found {Short(config ?? JValue.CreateNull())}.");
            if (c["layers"] is JArray && c["input_layers"] is not null && c["output_layers"] is not null) return ReadFunctional(c);
            throw new KerasFileException($"{source}: a {className} config needs layers, input_layers and output_layers (subclassed models cannot be rebuilt from a config).");
        }

        private Sequential ReadSequential(JToken? config)
        {
            JArray layers;
            string? name = null;
            bool trainable = true;
            JToken? buildShape = null;
            if (config is JArray list) layers = list; // Keras ≤ 2.2: the config is the list of layers
            else if (config is JObject c && c["layers"] is JArray l)
            {
                layers = l;
                name = c.Value<string?>("name");
                trainable = LayerConfig.Trainable(c);
                buildShape = c["build_input_shape"];
            }
            else throw new KerasFileException($"{source}: a Sequential config needs a list of layers.");
            var model = new Sequential(name: name, trainable: trainable);
            foreach (var entry in layers)
            {
                if (entry is not JObject layerEnvelope) throw new KerasFileException($"{source}: Sequential '{name}': a layer entry is not an object: {Short(entry)}.");
                var layer = ReadLayer(layerEnvelope);
                model.Add(layer);
            }
            if (!model.Built && buildShape is JArray shape && shape.Count > 0 && shape[0] is not JArray)
                model.EnsureBuilt(KerasShape.FromJson(shape));
            return model;
        }

        /// <summary>One layer (or nested model) from its envelope.</summary>
        public Layer ReadLayer(JObject envelope)
        {
            string className = ClassName(envelope, source);
            if (s_modelClasses.Contains(className)) return ReadModel(envelope);
            if (envelope["config"] is not JObject original)
                throw new KerasFileException($"{source}: layer {className}: config must be an object, found {Short(envelope["config"] ?? JValue.CreateNull())}.");
            var config = Normalize(className, (JObject)original.DeepClone());
            try
            {
                return CustomObjectScope.LayerFactory(className) is { } custom ? custom(config) : LayerRegistry.Create(className, config);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or FormatException
                                       or InvalidCastException or JsonException or OverflowException or NullReferenceException)
            {
                throw new KerasFileException($"{source}: layer '{config.Value<string?>("name")}' ({className}): {e.Message}", e);
            }
        }

        /// <summary>Keras 2 → Keras 3 config conversions (as Keras 3's legacy loader does).</summary>
        private JObject Normalize(string className, JObject config)
        {
            if (className == "InputLayer" && config["batch_shape"] is null && config["batch_input_shape"] is JToken b)
            {
                config["batch_shape"] = b;
                config.Remove("batch_input_shape");
            }
            if (className == "BatchNormalization" && config["axis"] is JArray { Count: 1 } axis) config["axis"] = axis[0];
            if (className == "LeakyReLU" && config["negative_slope"] is null && config["alpha"] is JToken alpha)
            {
                config["negative_slope"] = alpha;
                config.Remove("alpha");
            }
            _ = keras2;
            return config;
        }

        private Model ReadFunctional(JObject config)
        {
            var layersJson = (JArray)config["layers"]!;
            var created = new Dictionary<string, Layer>(StringComparer.Ordinal);
            var order = new List<(Layer Layer, List<List<(string Name, int Node, int Tensor)>> Nodes)>();
            var minNodeRef = new Dictionary<string, int>(StringComparer.Ordinal);

            foreach (var entry in layersJson)
            {
                if (entry is not JObject layerJson) throw new KerasFileException($"{source}: a functional layer entry is not an object: {Short(entry)}.");
                string name = layerJson.Value<string?>("name") ?? layerJson["config"]?.Value<string?>("name")
                    ?? throw new KerasFileException($"{source}: a functional layer entry has no name: {Short(layerJson)}.");
                if (created.ContainsKey(name)) throw new KerasFileException($"{source}: two layers are named '{name}'.");
                var layer = ReadLayer(layerJson);
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
                    else throw new KerasFileException($"{source}: layer '{layerName}': unreadable inbound node entry {Short(item)}.");
                }
                return refs;
            }
            if (node is JObject k3)
            {
                CollectTensors(k3["args"], refs, 0);
                return refs;
            }
            throw new KerasFileException($"{source}: layer '{layerName}': unreadable inbound node {Short(node)}.");
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
                throw new KerasFileException($"{source}: a __keras_tensor__ without keras_history: {Short(o)}.");
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
                else throw new KerasFileException($"{source}: {key}: unreadable entry {Short(t)}.");
            }
            if (token is null) throw new KerasFileException($"{source}: the functional config has no {key}.");
            Add(token);
            if (result.Count == 0) throw new KerasFileException($"{source}: {key} is empty.");
            return result;
        }
    }

    // ---- writing -------------------------------------------------------------------------------

    /// <summary>
    /// The model's envelope. <paramref name="legacy"/> gives the form Keras 3 writes into
    /// <c>.h5</c> files (<c>{"class_name", "config"}</c> at each layer, new-form nested objects);
    /// otherwise the new form of <c>to_json</c> and <c>.keras</c> archives.
    /// </summary>
    public static JObject SerializeModel(Model model, bool legacy = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is not Sequential && !model.IsFunctional)
            throw new NotSupportedException($"Model '{model.Name}' ({model.ClassName}) is subclassed: its architecture cannot be saved as a config; save its weights instead (SaveWeights).");
        return Envelope(model, legacy);
    }

    private static JObject Envelope(Layer layer, bool legacy)
    {
        JObject config;
        if (layer is Sequential seq) config = SequentialConfig(seq, legacy);
        else if (layer is Model m && m.IsFunctional) config = FunctionalConfig(m, legacy);
        else if (layer is Model other) throw new NotSupportedException($"Model '{other.Name}' ({other.ClassName}) is subclassed and cannot be serialized.");
        else config = layer.GetConfig();

        if (legacy) return new JObject { ["class_name"] = layer.ClassName, ["config"] = config };
        if (layer is Sequential)
            return new JObject { ["module"] = "keras", ["class_name"] = "Sequential", ["config"] = config, ["registered_name"] = null, ["build_config"] = SequentialBuild((Sequential)layer) };
        if (layer is Model)
            return new JObject { ["module"] = "keras.src.models.functional", ["class_name"] = "Functional", ["config"] = config, ["registered_name"] = "Functional" };
        var envelope = LayerRegistry.SerializeKeras3(layer);
        envelope["config"] = config;
        return envelope;
    }

    private static JToken? SequentialBuild(Sequential seq) =>
        seq.IsFunctional ? new JObject { ["input_shape"] = seq.Inputs[0].Shape.ToJson() } : null;

    private static JObject SequentialConfig(Sequential seq, bool legacy)
    {
        var config = new JObject { ["name"] = seq.Name, ["trainable"] = seq.Trainable, ["dtype"] = seq.GetConfig()["dtype"] };
        var layers = new JArray();
        if (seq.IsFunctional && seq.Inputs[0].Layer is InputLayer input) layers.Add(Envelope(input, legacy));
        foreach (var l in seq.Layers) layers.Add(Envelope(l, legacy));
        config["layers"] = layers;
        if (seq.IsFunctional) config["build_input_shape"] = seq.Inputs[0].Shape.ToJson();
        return config;
    }

    private static JObject FunctionalConfig(Model model, bool legacy)
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
            var entry = Envelope(layer, legacy);
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
}
