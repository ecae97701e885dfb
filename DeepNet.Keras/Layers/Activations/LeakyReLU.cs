using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Leaky ReLU (Keras <c>keras.layers.LeakyReLU</c>): x if x &gt; 0 else negative_slope·x.
/// Keras 3 default: negative_slope=0.3 (the Keras 2 key <c>alpha</c> is read too).
/// </summary>
public sealed class LeakyReLU : Layer
{
    public LeakyReLU(float negativeSlope = 0.3f, string? name = null, bool trainable = true) : base(name, trainable)
    {
        if (negativeSlope < 0f || float.IsNaN(negativeSlope))
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), $"The negative_slope value of a Leaky ReLU layer cannot be None or negative value. Expected a float. Received: negative_slope={negativeSlope}");
        NegativeSlope = negativeSlope;
    }

    public override string ClassName => "LeakyReLU";

    public float NegativeSlope { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) => Ops.LeakyRelu(inputs, NegativeSlope);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["negative_slope"] = NegativeSlope;
        return config;
    }

    public static LeakyReLU FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        float slope = config["negative_slope"] is { Type: not JTokenType.Null } s ? s.Value<float>()
            : config["alpha"] is { Type: not JTokenType.Null } a ? a.Value<float>() : 0.3f;
        return new LeakyReLU(slope, LayerConfig.Name(config), LayerConfig.Trainable(config)) { InputShape = LayerConfig.InputShape(config) };
    }
}
