using DeepNet.Keras.Engine;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Dropout that keeps the SELU self-normalising mean and variance (Keras
/// <c>keras.layers.AlphaDropout</c>): dropped units are set to −αλ, then an affine map
/// a·x + b restores the statistics. Identity at inference. Defaults: noise_shape=None, seed=None.
/// </summary>
public sealed class AlphaDropout : Layer
{
    private const double Alpha = 1.6732632423543772848170429916717;
    private const double Scale = 1.0507009873554804934193349852946;
    private readonly SeedGenerator _seeds;

    public AlphaDropout(float rate, int?[]? noiseShape = null, int? seed = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        if (!(rate >= 0f && rate <= 1f))
            throw new ArgumentOutOfRangeException(nameof(rate), $"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate}");
        Rate = rate;
        NoiseShape = noiseShape;
        _seeds = new SeedGenerator(seed);
    }

    public override string ClassName => "AlphaDropout";

    public float Rate { get; }

    public int?[]? NoiseShape { get; }

    public int? Seed => _seeds.Seed;

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        if (!training || !(Rate > 0f && Rate < 1f)) return inputs;
        double alphaP = -Alpha * Scale;
        var shape = NoiseShape is null ? inputs.Shape : Dropout.ResolveNoiseShape(NoiseShape, inputs.Shape);
        var (seed, offset) = _seeds.Next();
        Tensor kept, dropped;
        using (NoTape.Begin())
        {
            var uniform = Ops.RandomUniform(shape, 0f, 1f, seed, offset, inputs.Backend);
            using var rate = Tensor.Full(new Shape(1), Rate, inputs.Backend);
            kept = Ops.GreaterEqual(uniform, rate);
            dropped = Ops.Affine(kept, (float)-alphaP, (float)alphaP);   // alpha_p · (1 − kept)
        }
        double a = Math.Pow((1 - Rate) * (1 + Rate * alphaP * alphaP), -0.5);
        double b = -a * alphaP * Rate;
        var x = Ops.Add(Ops.Multiply(inputs, kept), dropped);
        return Ops.Affine(x, (float)a, (float)b);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["rate"] = Rate;
        config["seed"] = Seed;
        config["noise_shape"] = NoiseShape is null ? null : new KerasShape(NoiseShape).ToJson();
        return config;
    }

    public static AlphaDropout FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        var ns = config["noise_shape"] is JArray arr ? KerasShape.FromJson(arr).ToArray() : null;
        return new AlphaDropout(config.Value<float>("rate"), ns, config.Value<int?>("seed"), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
