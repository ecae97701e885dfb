using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Runs a recurrent layer forwards and a copy of it backwards over the same sequence and merges
/// the two outputs (Keras <c>keras.layers.Bidirectional</c>). The backward copy is made from the
/// layer's config with go_backwards flipped, unless one is given; with return_sequences its outputs
/// are put back in time order before merging. merge_mode: "concat" (default), "sum", "mul", "ave",
/// or null (both outputs returned). With return_state the outputs are the merged output(s), then
/// the forward states, then the backward states. Weights: the forward layer's, then the backward's.
/// </summary>
public sealed class Bidirectional : Layer
{
    private static readonly string?[] s_modes = ["concat", "sum", "mul", "ave", null];

    public Bidirectional(RNN layer, string? mergeMode = "concat", RNN? backwardLayer = null, string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (!s_modes.Contains(mergeMode))
            throw new ArgumentException($"Invalid merge mode. Received: {mergeMode}. Merge mode should be one of {{\"sum\", \"mul\", \"ave\", \"concat\", None}}", nameof(mergeMode));
        // Fresh copies from the configs, so no state is shared with the layer given (as Keras does).
        Forward = Track(Copy(layer, "forward_", goBackwards: null));
        Backward = Track(backwardLayer is null ? Copy(layer, "backward_", goBackwards: !layer.GoBackwards) : backwardLayer);
        if (Forward.ReturnSequences != Backward.ReturnSequences || Forward.ReturnState != Backward.ReturnState)
            throw new ArgumentException("Forward layer and backward layer should have the same return_sequences and return_state.", nameof(backwardLayer));
        if (Forward.GoBackwards == Backward.GoBackwards)
            throw new ArgumentException("Forward layer and backward layer must read the sequence in opposite directions (go_backwards).", nameof(backwardLayer));
        MergeMode = mergeMode;
        InputShape = layer.InputShape;
        InputSpec = new InputSpec(ndim: 3);
    }

    public override string ClassName => "Bidirectional";

    public RNN Forward { get; }

    public RNN Backward { get; }

    /// <summary>Keras keeps the two directions in <c>forward_layer</c> and <c>backward_layer</c>.</summary>
    protected internal override string? SublayerAttributeName(Layer sublayer) =>
        ReferenceEquals(sublayer, Forward) ? "forward_layer" : ReferenceEquals(sublayer, Backward) ? "backward_layer" : null;

    public string? MergeMode { get; }

    public override bool SupportsMasking => true;

    private static RNN Copy(RNN layer, string prefix, bool? goBackwards)
    {
        var envelope = layer.Serialize();
        var config = (JObject)envelope["config"]!;
        config["name"] = prefix + (layer.Name.StartsWith(prefix, StringComparison.Ordinal) ? layer.Name[prefix.Length..] : layer.Name);
        if (goBackwards is bool g) config["go_backwards"] = g;
        return (RNN)LayerRegistry.Deserialize(envelope);
    }

    public override void Build(KerasShape inputShape)
    {
        Forward.EnsureBuilt(inputShape);
        Backward.EnsureBuilt(inputShape);
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape) => ComputeOutputShape([inputShape])[0];

    public override KerasShape[] ComputeOutputShape(IReadOnlyList<KerasShape> inputShapes)
    {
        var f = Forward.ComputeOutputShape(inputShapes);
        var b = Backward.ComputeOutputShape(inputShapes);
        var outputs = new List<KerasShape>();
        if (MergeMode is null) outputs.AddRange([f[0], b[0]]);
        else if (MergeMode == "concat")
        {
            var dims = f[0].ToArray();
            dims[^1] = f[0].Last + b[0].Last;
            outputs.Add(new KerasShape(dims));
        }
        else outputs.Add(f[0]);
        outputs.AddRange(f.Skip(1));
        outputs.AddRange(b.Skip(1));
        return outputs.ToArray();
    }

    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => Forward.ReturnSequences ? mask : null;

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var outputs = CallMasked([inputs], [mask], training);
        if (outputs.Length != 1)
            throw new InvalidOperationException($"Layer '{Name}' has {outputs.Length} outputs; use the list form.");
        return outputs[0];
    }

    public override Tensor[] Call(IReadOnlyList<Tensor> inputs, bool training = false) =>
        CallMasked(inputs, new Tensor?[inputs.Count], training);

    public override Tensor[] CallMasked(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, bool training = false)
    {
        if (inputs.Count != 1) throw new ArgumentException($"Layer '{Name}' (Bidirectional) takes one input sequence, received {inputs.Count}.");
        var f = Forward.CallMasked(inputs, masks, training);
        var b = Backward.CallMasked(inputs, masks, training);
        var yf = f[0];
        var yb = b[0];
        if (Backward.ReturnSequences) yb = ReverseTime(yb);
        var outputs = new List<Tensor>();
        switch (MergeMode)
        {
            case "concat": outputs.Add(Ops.Concat([yf, yb], -1)); break;
            case "sum": outputs.Add(Ops.Add(yf, yb)); break;
            case "mul": outputs.Add(Ops.Multiply(yf, yb)); break;
            case "ave": outputs.Add(Ops.Multiply(Ops.Add(yf, yb), 0.5f)); break;
            default: outputs.AddRange([yf, yb]); break;
        }
        outputs.AddRange(f.Skip(1));
        outputs.AddRange(b.Skip(1));
        return outputs.ToArray();
    }

    /// <summary>(batch, time, …) with the time axis reversed (a gather, so gradients flow).</summary>
    private static Tensor ReverseTime(Tensor y)
    {
        int steps = y.Shape[1];
        var order = new int[steps];
        for (int t = 0; t < steps; t++) order[t] = steps - 1 - t;
        using var indices = Tensor.FromArray(order, new Shape(steps), y.Backend);
        return Ops.Gather(y, indices, 1);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["merge_mode"] = MergeMode;
        config["layer"] = LayerRegistry.SerializeKeras3(Forward);
        config["backward_layer"] = LayerRegistry.SerializeKeras3(Backward);
        return config;
    }

    public static Bidirectional FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        var layer = LayerRegistry.Deserialize(config["layer"] as JObject ?? throw new ArgumentException("Bidirectional config needs a layer.")) as RNN
            ?? throw new NotSupportedException("Bidirectional wraps a recurrent layer (SimpleRNN, LSTM, GRU or RNN).");
        RNN? backward = config["backward_layer"] is JObject b ? (RNN)LayerRegistry.Deserialize(b) : null;
        string? mergeMode = config.ContainsKey("merge_mode") ? config.Value<string?>("merge_mode") : "concat";
        return new Bidirectional(layer, mergeMode, backward, LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) ?? layer.InputShape };
    }
}
