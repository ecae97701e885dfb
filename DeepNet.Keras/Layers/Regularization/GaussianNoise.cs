using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Adds zero-centred Gaussian noise of standard deviation <see cref="Stddev"/> in training
/// (Keras <c>keras.layers.GaussianNoise</c>); identity at inference. Keras default: seed=None.
/// </summary>
public sealed class GaussianNoise : Layer
{
    private readonly SeedGenerator _seeds;

    public GaussianNoise(float stddev, int? seed = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        if (!(stddev >= 0f))
            throw new ArgumentOutOfRangeException(nameof(stddev), $"Invalid value received for argument `stddev`. Expected a float value >= 0. Received: stddev={stddev}");
        Stddev = stddev;
        _seeds = new SeedGenerator(seed);
    }

    public override string ClassName => "GaussianNoise";

    public float Stddev { get; }

    public int? Seed => _seeds.Seed;

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        if (!training || Stddev == 0f) return inputs;
        var (seed, offset) = _seeds.Next();
        var noise = Ops.RandomNormal(inputs.Shape, 0f, Stddev, seed, offset, inputs.Backend);
        return Ops.Add(inputs, noise);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["stddev"] = Stddev;
        config["seed"] = Seed;
        return config;
    }

    public static GaussianNoise FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new GaussianNoise(config.Value<float>("stddev"), config.Value<int?>("seed"), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
