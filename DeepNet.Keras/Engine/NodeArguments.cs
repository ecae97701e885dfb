using DeepNet.Keras.Layers;
using DeepNet.Keras.Saving;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Engine;

/// <summary>
/// One call of a layer as a Keras 3 functional config holds it: an inbound node's
/// <c>{"args": [...], "kwargs": {...}}</c> (keras/src/models/functional.py <c>serialize_node</c>),
/// the arguments exactly as the call was written in Python, each tensor a
/// <c>__keras_tensor__</c> reference. A layer writes its node into one
/// (<see cref="Layer.WriteNode"/>) and rebuilds the call from one (<see cref="Layer.ApplyNode"/>);
/// the functional config code resolves the references. Keras 2's list form is converted to
/// this one before a layer sees it.
/// </summary>
internal sealed class NodeArguments
{
    private readonly Func<KerasTensor, JObject>? _write;
    private readonly Func<JObject, KerasTensor>? _read;

    /// <summary>Arguments to fill, for writing a node; <paramref name="write"/> makes a tensor's reference.</summary>
    public NodeArguments(Func<KerasTensor, JObject> write)
    {
        _write = write;
        Args = new JArray();
        Kwargs = new JObject();
        Source = "";
    }

    /// <summary>Arguments read from a file; <paramref name="read"/> resolves a reference.</summary>
    public NodeArguments(JArray args, JObject kwargs, Func<JObject, KerasTensor> read, string source)
    {
        _read = read;
        Args = args;
        Kwargs = kwargs;
        Source = source;
    }

    /// <summary>The positional arguments.</summary>
    public JArray Args { get; }

    /// <summary>The keyword arguments.</summary>
    public JObject Kwargs { get; }

    /// <summary>Names the file or config in errors.</summary>
    public string Source { get; }

    /// <summary>True for a <c>__keras_tensor__</c> reference.</summary>
    public static bool IsTensor(JToken? token) =>
        token is JObject o && o.Value<string?>("class_name") == "__keras_tensor__";

    /// <summary>The reference to <paramref name="tensor"/>, as the config writes it.</summary>
    public JObject Reference(KerasTensor tensor) =>
        (_write ?? throw new InvalidOperationException("These node arguments were read, not written."))(tensor);

    /// <summary>
    /// The argument Python binds to parameter <paramref name="name"/> at <paramref name="position"/>:
    /// the positional one when there are that many, else the keyword one (absent: null).
    /// </summary>
    public JToken? Argument(int position, string name) => position < Args.Count ? Args[position] : Kwargs[name];

    /// <summary>The tensor <paramref name="token"/> refers to; null when it is absent or JSON null.</summary>
    public KerasTensor? Tensor(Layer layer, JToken? token, string argument)
    {
        if (token is null || token.Type == JTokenType.Null) return null;
        if (!IsTensor(token))
            throw Error(layer, $"argument '{argument}' must be a tensor, found {KerasSerializer.Short(token)}");
        return (_read ?? throw new InvalidOperationException("These node arguments are being written, not read."))((JObject)token);
    }

    /// <summary>Every tensor in <paramref name="token"/> (a tensor or nested lists of them), in order.</summary>
    public List<KerasTensor> Tensors(Layer layer, JToken? token, string argument)
    {
        var result = new List<KerasTensor>();
        void Visit(JToken t, int depth)
        {
            if (depth > 32) throw Error(layer, $"argument '{argument}' is nested too deeply");
            if (t is JArray a)
            {
                foreach (var item in a) Visit(item, depth + 1);
            }
            else result.Add(Tensor(layer, t, argument) ?? throw Error(layer, $"argument '{argument}' holds null where a tensor belongs"));
        }
        if (token is not null && token.Type != JTokenType.Null) Visit(token, 0);
        return result;
    }

    /// <summary>A boolean keyword argument; absent or null gives <paramref name="fallback"/>.</summary>
    public bool Flag(Layer layer, string name, bool fallback = false) => OptionalFlag(layer, name) ?? fallback;

    /// <summary>A boolean keyword argument, or null when absent or null (Keras <c>training=None</c>).</summary>
    public bool? OptionalFlag(Layer layer, string name) => Kwargs[name] switch
    {
        null or { Type: JTokenType.Null } => null,
        { Type: JTokenType.Boolean } b => (bool)b,
        var other => throw Error(layer, $"keyword argument '{name}' must be true, false or null, found {KerasSerializer.Short(other)}"),
    };

    /// <summary>
    /// Rejects what the layer cannot honour: more than <paramref name="maxPositional"/> positional
    /// arguments, or a keyword argument outside <paramref name="handled"/> with a value. An unknown
    /// argument that is null is Keras's default for it (<c>mask=None</c>), so it is accepted.
    /// </summary>
    public void CheckHandled(Layer layer, int maxPositional, params string[] handled)
    {
        if (Args.Count > maxPositional)
            throw Error(layer, $"the call has {Args.Count} positional arguments, the layer takes at most {maxPositional} in a graph");
        var unsupported = Kwargs.Properties()
            .Where(p => p.Value.Type != JTokenType.Null && !handled.Contains(p.Name, StringComparer.Ordinal))
            .Select(p => $"{p.Name}={KerasSerializer.Short(p.Value)}")
            .ToArray();
        if (unsupported.Length > 0)
            throw Error(layer, $"the call has keyword arguments DeepNet does not support for this layer: {string.Join(", ", unsupported)}" +
                (handled.Length > 0 ? $" (supported: {string.Join(", ", handled)})" : ""));
    }

    public KerasFileException Error(Layer layer, string message) =>
        new($"{Source}: layer '{layer.Name}' ({layer.ClassName}): {message}.");
}
