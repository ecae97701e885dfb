using DeepNet.Keras.Engine;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// A TensorFlow function called on Keras tensors in a tf.keras 2 functional model (tf.keras's
/// <c>TFOpLambda</c>, tf-keras keras/layers/core/tf_op_layer.py): <c>x * 2</c>,
/// <c>tf.reduce_mean(x, axis=1)</c>, <c>tf.cast(mask, "float32")</c>. The config names the
/// function (<c>"function": "math.multiply"</c>); each call's arguments live in its inbound node,
/// the first tensor argument as the node's input and the others in its kwargs, tensors as
/// references and constants inline (<c>{"y": 2.0, "name": null}</c>). Which functions run is
/// listed in <see cref="TFOpFunctions"/>; others fail naming the function when the model loads.
/// The layer has no weights and passes no mask on.
/// </summary>
public sealed class TFOpLambda : Layer
{
    /// <summary>One call's arguments, tensors replaced by the index of the node input holding them.</summary>
    private sealed record TFOpCall(JArray Args, JObject Kwargs) : CallOptions;

    private readonly bool _slicing;

    /// <param name="function">The TF API path without "tf." (<c>math.multiply</c>, <c>__operators__.add</c>).</param>
    public TFOpLambda(string function, string? name = null, bool trainable = true) : this(function, name, trainable, slicing: false) { }

    private TFOpLambda(string function, string? name, bool trainable, bool slicing) : base(name ?? "tf." + function, trainable)
    {
        _slicing = slicing;
        ArgumentNullException.ThrowIfNull(function);
        if (!TFOpFunctions.IsSupported(function))
            throw new NotSupportedException($"TFOpLambda '{Name}': tf.{function} is not supported. Supported: {string.Join(", ", TFOpFunctions.Names)}.");
        Function = function;
    }

    /// <summary>"TFOpLambda", or "SlicingOpLambda" for tf.keras's <c>x[...]</c> layer (same config, slices in its node).</summary>
    public override string ClassName => _slicing ? "SlicingOpLambda" : "TFOpLambda";

    /// <summary>The TF function this layer calls.</summary>
    public string Function { get; }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["function"] = Function;
        return config;
    }

    public static TFOpLambda FromConfig(JObject config) => FromConfig(config, slicing: false);

    /// <summary>tf.keras's SlicingOpLambda: a TFOpLambda of <c>__operators__.getitem</c>.</summary>
    public static TFOpLambda SlicingFromConfig(JObject config) => FromConfig(config, slicing: true);

    private static TFOpLambda FromConfig(JObject config, bool slicing) =>
        new(config.Value<string?>("function") ?? throw new ArgumentException("A TFOpLambda config needs a function."),
            LayerConfig.Name(config), LayerConfig.Trainable(config), slicing);

    public override Tensor[] CallNode(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, CallOptions? options, bool training)
    {
        if (options is not TFOpCall call)
            throw new NotSupportedException($"TFOpLambda '{Name}' runs only in a graph read from a config (its call arguments live in the node).");
        return [TFOpFunctions.Run(Function, new TFOpArguments(Function, call.Args, call.Kwargs, inputs))];
    }

    public override Tensor? ComputeNodeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, CallOptions? options) => null;

    internal override KerasTensor[] ApplyNode(NodeArguments call)
    {
        var inputs = new List<KerasTensor>();
        JToken Template(JToken token, int depth)
        {
            if (depth > 32) throw call.Error(this, "the call's arguments are nested too deeply");
            if (NodeArguments.IsTensor(token))
            {
                inputs.Add(call.Tensor(this, token, "argument")!);
                return TFOpArguments.Placeholder(inputs.Count - 1);
            }
            if (token is JArray list) return new JArray(list.Select(t => Template(t, depth + 1)).ToArray<object>());
            if (token is JObject o)
            {
                var copy = new JObject();
                foreach (var p in o.Properties()) copy[p.Name] = Template(p.Value, depth + 1);
                return copy;
            }
            return token.DeepClone();
        }
        var options = new TFOpCall((JArray)Template(call.Args, 0), (JObject)Template(call.Kwargs, 0));
        if (inputs.Count == 0) throw call.Error(this, "the call has no tensor argument");
        var (shape, dtype) = InferOutput(inputs, options);
        return AddNode(inputs, [shape], options, outputDType: dtype);
    }

    internal override void WriteNode(Node node, NodeArguments into)
    {
        if (node.Options is not TFOpCall call) throw new InvalidOperationException($"TFOpLambda '{Name}': a node without its call arguments.");
        JToken Restore(JToken token)
        {
            int index = TFOpArguments.PlaceholderIndex(token);
            if (index >= 0) return into.Reference(node.Inputs[index]);
            if (token is JArray list) return new JArray(list.Select(Restore).ToArray<object>());
            if (token is JObject o)
            {
                var copy = new JObject();
                foreach (var p in o.Properties()) copy[p.Name] = Restore(p.Value);
                return copy;
            }
            return token.DeepClone();
        }
        foreach (var arg in call.Args) into.Args.Add(Restore(arg));
        foreach (var p in call.Kwargs.Properties()) into.Kwargs[p.Name] = Restore(p.Value);
    }

    /// <summary>
    /// The output's static shape and dtype, found by running the function on zeros twice, with
    /// every unknown dimension 2 and then 3: a dimension that differs between the two runs
    /// depends on an unknown one and stays unknown.
    /// </summary>
    private (KerasShape Shape, DType DType) InferOutput(IReadOnlyList<KerasTensor> inputs, TFOpCall call)
    {
        Tensor Probe(int unknown)
        {
            var zeros = inputs.Select(t => Tensor.Zeros(new Shape(t.Shape.ToArray().Select(d => d ?? unknown).ToArray()), t.DType)).ToArray();
            try
            {
                return TFOpFunctions.Run(Function, new TFOpArguments(Function, call.Args, call.Kwargs, zeros));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or ShapeMismatchException)
            {
                throw new ShapeMismatchException(Name, $"tf.{Function} cannot take inputs of shapes {string.Join(", ", inputs.Select(t => t.Shape))}: {e.Message}");
            }
        }
        var a = Probe(2);
        var b = Probe(3);
        var dims = new int?[a.Shape.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = a.Shape[i] == b.Shape[i] ? a.Shape[i] : null;
        return (new KerasShape(dims), a.DType);
    }
}
