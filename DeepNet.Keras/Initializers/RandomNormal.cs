using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>Normal values (Keras <c>RandomNormal</c>, defaults mean 0, stddev 0.05).</summary>
public sealed class RandomNormal : RandomInitializer
{
    public RandomNormal(double mean = 0.0, double stddev = 0.05, int? seed = null) : base(seed)
    {
        if (!(stddev >= 0))
            throw new ArgumentOutOfRangeException(nameof(stddev), $"RandomNormal: stddev must be non-negative, got {stddev}.");
        Mean = mean;
        Stddev = stddev;
    }

    public double Mean { get; }

    public double Stddev { get; }

    public override string ClassName => "RandomNormal";

    public override Tensor Call(Shape shape, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(shape);
        CheckFloat(dtype, ClassName);
        return Normal(shape, Mean, Stddev);
    }

    public override JObject GetConfig() => new() { ["seed"] = SeedToken, ["mean"] = Mean, ["stddev"] = Stddev };

    public static RandomNormal FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new RandomNormal(config.Value<double?>("mean") ?? 0.0, config.Value<double?>("stddev") ?? 0.05, ReadSeed(config));
    }
}
