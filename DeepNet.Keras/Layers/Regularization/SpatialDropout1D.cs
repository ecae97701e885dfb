using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Dropout of whole feature channels of a sequence (Keras <c>keras.layers.SpatialDropout1D</c>):
/// in training, each channel of each sample is zeroed over every step with probability rate
/// (kept ones scaled by 1/(1 − rate)); identity at inference. Keras default: seed=None.
/// </summary>
public sealed class SpatialDropout1D : Layer
{
    private readonly SeedGenerator _seeds;

    public SpatialDropout1D(float rate, int? seed = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        if (!(rate >= 0f && rate <= 1f))
            throw new ArgumentOutOfRangeException(nameof(rate), $"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate}");
        Rate = rate;
        _seeds = new SeedGenerator(seed);
        InputSpec = new InputSpec(ndim: 3);
    }

    public override string ClassName => "SpatialDropout1D";

    public float Rate { get; }

    public int? Seed => _seeds.Seed;

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        if (!training || Rate == 0f) return inputs;
        var (seed, offset) = _seeds.Next();
        var dropMask = Ops.DropoutMask(new Shape(inputs.Shape[0], 1, inputs.Shape[2]), Rate, seed, offset, inputs.Backend);
        return Ops.Multiply(inputs, dropMask);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["rate"] = Rate;
        config["seed"] = Seed;
        return config;
    }

    public static SpatialDropout1D FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new SpatialDropout1D(config.Value<float>("rate"), config.Value<int?>("seed"), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
