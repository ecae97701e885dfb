using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Multiplies by Gaussian noise of mean 1 and standard deviation √(rate/(1 − rate)) in training
/// (Keras <c>keras.layers.GaussianDropout</c>); identity at inference. Keras default: seed=None.
/// </summary>
public sealed class GaussianDropout : Layer
{
    private readonly SeedGenerator _seeds;

    public GaussianDropout(float rate, int? seed = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        if (!(rate >= 0f && rate <= 1f))
            throw new ArgumentOutOfRangeException(nameof(rate), $"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate}");
        Rate = rate;
        _seeds = new SeedGenerator(seed);
    }

    public override string ClassName => "GaussianDropout";

    public float Rate { get; }

    public int? Seed => _seeds.Seed;

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        if (!training || !(Rate > 0f && Rate < 1f)) return inputs;
        float stddev = MathF.Sqrt(Rate / (1f - Rate));
        var (seed, offset) = _seeds.Next();
        var noise = Ops.RandomNormal(inputs.Shape, 1f, stddev, seed, offset, inputs.Backend);
        return Ops.Multiply(inputs, noise);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["rate"] = Rate;
        config["seed"] = Seed;
        return config;
    }

    public static GaussianDropout FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new GaussianDropout(config.Value<float>("rate"), config.Value<int?>("seed"), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
