using DeepNet.Keras.Engine;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Zeroes the timesteps whose features all equal <see cref="MaskValue"/> (Keras
/// <c>keras.layers.Masking</c>): outputs = inputs · any(inputs ≠ mask_value, axis=-1).
/// Keras default: mask_value=0.0. (Mask propagation to later layers is not implemented.)
/// </summary>
public sealed class Masking : Layer
{
    public Masking(float maskValue = 0f, string? name = null, bool trainable = true) : base(name, trainable)
    {
        MaskValue = maskValue;
    }

    public override string ClassName => "Masking";

    public float MaskValue { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        Tensor keep;
        using (NoTape.Begin())
        {
            using var value = Tensor.Full(new Shape(1), MaskValue, inputs.Backend);
            keep = Ops.Max(Ops.NotEqual(inputs, value), [-1], keepDims: true);
        }
        return Ops.Multiply(inputs, keep);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["mask_value"] = MaskValue;
        return config;
    }

    public static Masking FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new Masking(LayerConfig.Get(config, "mask_value", 0f), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
