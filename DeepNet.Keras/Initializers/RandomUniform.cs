using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>Uniform values in [minval, maxval) (Keras <c>RandomUniform</c>, defaults ±0.05).</summary>
public sealed class RandomUniform : RandomInitializer
{
    public RandomUniform(double minval = -0.05, double maxval = 0.05, int? seed = null) : base(seed)
    {
        if (!(maxval >= minval))
            throw new ArgumentOutOfRangeException(nameof(maxval), $"RandomUniform: maxval ({maxval}) must be at least minval ({minval}).");
        Minval = minval;
        Maxval = maxval;
    }

    public double Minval { get; }

    public double Maxval { get; }

    public override string ClassName => "RandomUniform";

    public override Tensor Call(Shape shape, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(shape);
        CheckFloat(dtype, ClassName);
        return Uniform(shape, Minval, Maxval);
    }

    public override JObject GetConfig() => new() { ["seed"] = SeedToken, ["minval"] = Minval, ["maxval"] = Maxval };

    public static RandomUniform FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new RandomUniform(config.Value<double?>("minval") ?? -0.05, config.Value<double?>("maxval") ?? 0.05, ReadSeed(config));
    }
}
