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
        // A TF-function layer is supported function by function; name the function.
        if (className is "TFOpLambda" or "SlicingOpLambda" && config is JObject { } opConfig && opConfig["function"] is JValue { Type: JTokenType.String } function
            && !TFOpFunctions.IsSupported((string)function!) && !into.Contains($"{className}(tf.{function})"))
            into.Add($"{className}(tf.{function})");
        if (!LayerRegistry.IsRegistered(className) && !LegacyConversions.IsConvertedClass(className) && !Keras1Config.IsKeras1Class(className) && CustomObjectScope.LayerFactory(className) is null && !into.Contains(className)) into.Add(className);
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
            if (c["layers"] is JArray && c["input_layers"] is not null && c["output_layers"] is not null) return FunctionalConfig.FromConfig(c, ReadLayer, source);
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
            var config = (JObject)original.DeepClone();
            try
            {
                if (CustomObjectScope.LayerFactory(className) is null) (className, config) = Keras1Config.Convert(className, config);
                config = Normalize(className, config);
                if (CustomObjectScope.LayerFactory(className) is null && !LayerRegistry.IsRegistered(className))
                    (className, config) = LegacyConversions.ConvertLayerConfig(className, config);
                LegacyConversions.ConvertWrapped(config);
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
        else if (layer is Model m && m.IsFunctional) config = FunctionalConfig.Get(m, l => Envelope(l, legacy));
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

}
