using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// The arguments of one TensorFlow op call as a tf.keras node keeps them: positional and keyword
/// values in JSON, each tensor replaced by <c>{"__input__": i}</c>, the index of the node input
/// that holds it. Binds them by TensorFlow's parameter names and positions.
/// </summary>
internal sealed class TFOpArguments(string function, JArray args, JObject kwargs, IReadOnlyList<Tensor> inputs)
{
    /// <summary>The placeholder of node input <paramref name="index"/>.</summary>
    public static JObject Placeholder(int index) => new() { ["__input__"] = index };

    /// <summary>The node input a placeholder stands for, or -1.</summary>
    public static int PlaceholderIndex(JToken? token) =>
        token is JObject o && o.Count == 1 && o["__input__"] is JValue { Type: JTokenType.Integer } v ? (int)v : -1;

    /// <summary>The argument as written (null when absent).</summary>
    public JToken? Raw(int position, string name) => position < args.Count ? args[position] : kwargs[name];

    private ArgumentException Error(string name, string message) => new($"TFOpLambda tf.{function}: argument '{name}' {message}.");

    /// <summary>A tensor argument, or a number made into a scalar tensor.</summary>
    public Tensor Operand(int position, string name)
    {
        var token = Raw(position, name) ?? throw Error(name, "is missing");
        int index = PlaceholderIndex(token);
        if (index >= 0) return inputs[index];
        if (token.Type is JTokenType.Float or JTokenType.Integer) return Tensor.Scalar(token.Value<float>());
        throw Error(name, $"must be a tensor or a number, found {token.ToString(Newtonsoft.Json.Formatting.None)}");
    }

    /// <summary>A list of tensors (concat's values).</summary>
    public Tensor[] TensorList(int position, string name)
    {
        if (Raw(position, name) is not JArray list) throw Error(name, "must be a list of tensors");
        return list.Select((t, i) => PlaceholderIndex(t) is int k and >= 0 ? inputs[k] : throw Error(name, $"item {i} is not a tensor")).ToArray();
    }

    /// <summary>The constant when the argument is a number, null when it is a tensor.</summary>
    public float? Number(int position, string name)
    {
        var token = Raw(position, name) ?? throw Error(name, "is missing");
        return token.Type is JTokenType.Float or JTokenType.Integer ? token.Value<float>() : null;
    }

    public int? Int(int position, string name) => Raw(position, name) is JValue { Type: JTokenType.Integer } v ? (int)v : null;

    /// <summary>An axis list: an int, a list of ints, or null/absent (every axis).</summary>
    public int[]? Axes(int position, string name) => Raw(position, name) switch
    {
        null or { Type: JTokenType.Null } => null,
        JValue { Type: JTokenType.Integer } v => [(int)v],
        JArray a when a.All(t => t.Type == JTokenType.Integer) => a.Select(t => (int)t).ToArray(),
        var other => throw Error(name, $"must be an int or a list of ints, found {other.ToString(Newtonsoft.Json.Formatting.None)}"),
    };

    public int[] Ints(int position, string name) =>
        Axes(position, name) ?? throw Error(name, "must be a list of ints");

    public bool Bool(int position, string name, bool fallback) =>
        Raw(position, name) is JValue { Type: JTokenType.Boolean } v ? (bool)v : fallback;

    public string String(int position, string name) =>
        Raw(position, name) is JValue { Type: JTokenType.String } v ? (string)v! : throw Error(name, "must be a string");
}
