using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Applies a layer to every timestep of (batch, time, …) inputs (Keras
/// <c>keras.layers.TimeDistributed</c>): the batch and time axes are merged, the layer runs once on
/// (batch·time, …), and the result is split back to (batch, time, …).
/// </summary>
/// <remarks>
/// Masks as in Keras 3 (keras/src/layers/rnn/time_distributed.py, releases up to 3.15): a mask
/// of shape (batch, time, …) reaches the inner layer merged the same way, (batch·time, …), when
/// the inner layer supports masking (Keras hands each timestep's slice to a call that takes a
/// mask), and the output mask is the input mask unchanged (Keras's default compute_mask).
/// </remarks>
public sealed class TimeDistributed : Layer
{
    public TimeDistributed(Layer layer, string? name = null, bool trainable = true) : base(name, trainable)
    {
        ArgumentNullException.ThrowIfNull(layer);
        Inner = Track(layer);
        InputSpec = new InputSpec(minNdim: 3);
    }

    public override string ClassName => "TimeDistributed";

    /// <summary>The wrapped layer (Keras <c>layer</c>).</summary>
    public Layer Inner { get; }

    /// <summary>Keras keeps the wrapped layer in <c>layer</c>.</summary>
    protected internal override string? SublayerAttributeName(Layer sublayer) => ReferenceEquals(sublayer, Inner) ? "layer" : null;

    public override bool SupportsMasking => true;

    private static KerasShape StepShape(KerasShape inputShape)
    {
        if (inputShape.Rank < 3)
            throw new ShapeMismatchException("TimeDistributed", $"expects inputs of at least rank 3 (batch, time, …), got {inputShape}.");
        var dims = inputShape.ToArray();
        int? merged = dims[0] is int b && dims[1] is int t ? b * t : null;
        return new KerasShape([merged, .. dims[2..]]);
    }

    public override void Build(KerasShape inputShape) => Inner.EnsureBuilt(StepShape(inputShape));

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var inner = Inner.ComputeOutputShape(new KerasShape([null, .. inputShape.ToArray()[2..]])).ToArray();
        return new KerasShape([inputShape[0], inputShape[1], .. inner[1..]]);
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        if (inputs.Rank < 3)
            throw new ShapeMismatchException("TimeDistributed", $"expects inputs of at least rank 3 (batch, time, …), got {inputs.Shape}.");
        int batch = inputs.Shape[0], steps = inputs.Shape[1];
        var rest = inputs.Shape.ToArray()[2..];
        var merged = Ops.Reshape(inputs, [batch * steps, .. rest]);
        Tensor? innerMask = null;
        if (mask is not null)
        {
            CheckMask(inputs.Shape, mask.Shape);
            if (Inner.SupportsMasking) innerMask = Ops.Reshape(mask, [batch * steps, .. mask.Shape.ToArray()[2..]]);
        }
        var y = Inner.Call(merged, training, innerMask);
        return Ops.Reshape(y, [batch, steps, .. y.Shape.ToArray()[1..]]);
    }

    /// <summary>The input mask, unchanged (Keras 3's TimeDistributed keeps the default compute_mask).</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => mask;

    /// <summary>A mask needs the inputs' batch and time axes (Keras checks the same two).</summary>
    private void CheckMask(Shape inputs, Shape mask)
    {
        if (mask.Rank < 2)
            throw new ShapeMismatchException($"TimeDistributed \"{Name}\"", $"the mask must be at least 2-D (batch, timesteps), got shape {mask}.");
        if (mask[0] != inputs[0] || mask[1] != inputs[1])
            throw new ShapeMismatchException($"TimeDistributed \"{Name}\"",
                $"the mask of shape {mask} does not match the inputs {inputs}: its first two axes must be (batch, timesteps) = ({inputs[0]}, {inputs[1]}).");
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["layer"] = LayerRegistry.SerializeKeras3(Inner);
        return config;
    }

    public static TimeDistributed FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        var inner = LayerRegistry.Deserialize(config["layer"] as JObject ?? throw new ArgumentException("TimeDistributed config needs a layer."));
        return new TimeDistributed(inner, LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
