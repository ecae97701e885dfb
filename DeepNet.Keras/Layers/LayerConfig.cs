using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>Reads Keras layer configs: base keys and typed values with defaults.</summary>
public static class LayerConfig
{
    /// <summary>The <c>name</c> key, or null.</summary>
    public static string? Name(JObject config) => config.Value<string?>("name");

    /// <summary>The <c>trainable</c> key (default true).</summary>
    public static bool Trainable(JObject config) => config["trainable"]?.Type == JTokenType.Boolean ? config.Value<bool>("trainable") : true;

    /// <summary>
    /// The per-sample input shape from <c>batch_input_shape</c>/<c>batch_shape</c> (batch dropped)
    /// or <c>input_shape</c>, as Keras 2 writes it on a Sequential's first layer; or null.
    /// </summary>
    public static int[]? InputShape(JObject config)
    {
        foreach (var key in new[] { "batch_input_shape", "batch_shape" })
        {
            if (config[key] is JArray batch)
                return batch.Skip(1).Select(t => t.Type == JTokenType.Null ? throw new NotSupportedException($"Config key {key} has an unknown non-batch dimension: {batch.ToString(Newtonsoft.Json.Formatting.None)}.") : t.Value<int>()).ToArray();
        }
        if (config["input_shape"] is JArray shape) return shape.Select(t => t.Value<int>()).ToArray();
        return null;
    }

    /// <summary>Accepts the dtype as a string or a DTypePolicy object; only float32 is supported.</summary>
    public static void CheckDType(JObject config)
    {
        var dtype = config["dtype"];
        string? name = dtype?.Type switch
        {
            JTokenType.String => dtype.Value<string>(),
            JTokenType.Object => dtype["config"]?["name"]?.Value<string>(),
            _ => null,
        };
        if (name is not null && name != "float32")
            throw new NotSupportedException($"Layer '{Name(config)}' has dtype policy \"{name}\"; only float32 is supported.");
    }

    public static T Get<T>(JObject config, string key, T fallback)
    {
        var t = config[key];
        return t is null || t.Type == JTokenType.Null ? fallback : t.ToObject<T>()!;
    }

    /// <summary>An int or a one-element list (Keras 2 writes e.g. <c>axis: [3]</c>).</summary>
    public static int IntOrSingleton(JObject config, string key, int fallback)
    {
        var t = config[key];
        if (t is null || t.Type == JTokenType.Null) return fallback;
        if (t is JArray a)
        {
            if (a.Count != 1) throw new NotSupportedException($"Config key {key} must be one int, got {a.ToString(Newtonsoft.Json.Formatting.None)}.");
            return a[0].Value<int>();
        }
        return t.Value<int>();
    }

    public static int[]? IntArray(JObject config, string key) =>
        config[key] is JArray a ? a.Select(t => t.Value<int>()).ToArray() : null;

    /// <summary>JSON list of ints (Keras writes tuples as lists).</summary>
    public static JArray ToJson(IEnumerable<int> values) => new(values.Select(v => (object)v).ToArray());
}
