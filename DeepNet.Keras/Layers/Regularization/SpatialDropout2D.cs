using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Dropout of whole feature maps (Keras <c>keras.layers.SpatialDropout2D</c>): in training, each
/// channel of each sample is zeroed with probability rate (kept ones scaled by 1/(1 − rate));
/// identity at inference. Keras defaults: seed=None, data_format="channels_last".
/// </summary>
public sealed class SpatialDropout2D : Layer
{
    private readonly SeedGenerator _seeds;

    public SpatialDropout2D(float rate, string? dataFormat = null, int? seed = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        if (!(rate >= 0f && rate <= 1f))
            throw new ArgumentOutOfRangeException(nameof(rate), $"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate}");
        Rate = rate;
        DataFormat = ConvArgs.DataFormat(dataFormat);
        _seeds = new SeedGenerator(seed);
        InputSpec = new InputSpec(ndim: 4);
    }

    public override string ClassName => "SpatialDropout2D";

    public float Rate { get; }

    public string DataFormat { get; }

    public int? Seed => _seeds.Seed;

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        if (!training || Rate == 0f) return inputs;
        var s = inputs.Shape;
        var noise = DataFormat == "channels_first" ? new Shape(s[0], s[1], 1, 1) : new Shape(s[0], 1, 1, s[3]);
        var (seed, offset) = _seeds.Next();
        var dropMask = Ops.DropoutMask(noise, Rate, seed, offset, inputs.Backend);
        return Ops.Multiply(inputs, dropMask);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["rate"] = Rate;
        config["seed"] = Seed;
        config["data_format"] = DataFormat;
        return config;
    }

    public static SpatialDropout2D FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new SpatialDropout2D(config.Value<float>("rate"), config.Value<string?>("data_format"), config.Value<int?>("seed"), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
