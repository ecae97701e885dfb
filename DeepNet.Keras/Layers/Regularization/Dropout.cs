using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Inverted dropout (Keras <c>keras.layers.Dropout</c>): in training, each unit is zeroed with
/// probability <see cref="Rate"/> and the kept ones are scaled by 1/(1 − rate); identity at
/// inference. Keras defaults: noise_shape=None, seed=None.
/// </summary>
public sealed class Dropout : Layer
{
    private readonly SeedGenerator _seeds;

    /// <param name="rate">Fraction of the units to drop, in [0, 1].</param>
    /// <param name="noiseShape">Shape of the mask, broadcast over the input; null entries take the input's size.</param>
    public Dropout(float rate, int?[]? noiseShape = null, int? seed = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        if (!(rate >= 0f && rate <= 1f))
            throw new ArgumentOutOfRangeException(nameof(rate), $"Invalid value received for argument `rate`. Expected a float value between 0 and 1. Received: rate={rate}");
        Rate = rate;
        NoiseShape = noiseShape;
        _seeds = new SeedGenerator(seed);
    }

    public override string ClassName => "Dropout";

    /// <summary>Passes its input's mask on (Keras <c>supports_masking = True</c>).</summary>
    public override bool SupportsMasking => true;

    public float Rate { get; }

    public int?[]? NoiseShape { get; }

    public int? Seed => _seeds.Seed;

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        if (!training || Rate == 0f) return inputs;
        var (seed, offset) = _seeds.Next();
        if (NoiseShape is null) return Ops.Dropout(inputs, Rate, seed, offset);
        var dropMask = Ops.DropoutMask(ResolveNoiseShape(NoiseShape, inputs.Shape), Rate, seed, offset, inputs.Backend);
        return Ops.Multiply(inputs, dropMask);
    }

    internal static Shape ResolveNoiseShape(int?[] noiseShape, Shape input)
    {
        if (noiseShape.Length != input.Rank)
            throw new ShapeMismatchException("Dropout", $"noise_shape {new KerasShape(noiseShape)} must have the rank of the input {input}.");
        var dims = new int[input.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = noiseShape[i] ?? input[i];
        return new Shape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["rate"] = Rate;
        config["seed"] = Seed;
        config["noise_shape"] = NoiseShape is null ? null : new KerasShape(NoiseShape).ToJson();
        return config;
    }

    public static Dropout FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        var ns = config["noise_shape"] is JArray a ? KerasShape.FromJson(a).ToArray() : null;
        return new Dropout(config.Value<float>("rate"), ns, config.Value<int?>("seed"), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
