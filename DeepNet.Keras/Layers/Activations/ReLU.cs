using DeepNet.Keras.Engine;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Rectified linear unit with options (Keras <c>keras.layers.ReLU</c>):
/// f(x) = max_value if x ≥ max_value; x if threshold ≤ x &lt; max_value; negative_slope·(x − threshold) otherwise.
/// Keras defaults: max_value=None, negative_slope=0.0, threshold=0.0.
/// </summary>
public sealed class ReLU : Layer
{
    public ReLU(float? maxValue = null, float negativeSlope = 0f, float threshold = 0f, string? name = null, bool trainable = true) : base(name, trainable)
    {
        if (maxValue is < 0f)
            throw new ArgumentOutOfRangeException(nameof(maxValue), $"max_value of a ReLU layer cannot be a negative value. Received: max_value={maxValue}");
        if (negativeSlope < 0f)
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), $"negative_slope of a ReLU layer cannot be a negative value. Received: negative_slope={negativeSlope}");
        MaxValue = maxValue;
        NegativeSlope = negativeSlope;
        Threshold = threshold;
    }

    public override string ClassName => "ReLU";

    public float? MaxValue { get; }

    public float NegativeSlope { get; }

    public float Threshold { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        if (Threshold == 0f && MaxValue is null)
            return NegativeSlope == 0f ? Ops.Relu(inputs) : Ops.LeakyRelu(inputs, NegativeSlope);
        if (Threshold == 0f && NegativeSlope == 0f && MaxValue == 6f) return Ops.Relu6(inputs);
        // General case: select on x ≥ threshold (a constant mask), then clip at max_value.
        Tensor above;
        using (NoTape.Begin())
        {
            using var t = Tensor.Full(new Shape(1), Threshold, inputs.Backend);
            above = Ops.GreaterEqual(inputs, t);
        }
        var y = Ops.Multiply(inputs, above);
        if (NegativeSlope != 0f)
        {
            var below = Ops.Affine(above, -1f, 1f);
            y = Ops.Add(y, Ops.Multiply(Ops.Multiply(Ops.Subtract(inputs, Threshold), NegativeSlope), below));
        }
        if (MaxValue is float max) y = Ops.Minimum(y, max);
        return y;
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["max_value"] = MaxValue;
        config["negative_slope"] = NegativeSlope;
        config["threshold"] = Threshold;
        return config;
    }

    public static ReLU FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new ReLU(config.Value<float?>("max_value"), LayerConfig.Get(config, "negative_slope", 0f), LayerConfig.Get(config, "threshold", 0f),
            LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
