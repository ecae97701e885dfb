using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>
/// Normal values redrawn until within two standard deviations of the mean (Keras
/// <c>TruncatedNormal</c>, defaults mean 0, stddev 0.05). <c>stddev</c> is that of the normal
/// before truncation, as in Keras.
/// </summary>
public sealed class TruncatedNormal : RandomInitializer
{
    public TruncatedNormal(double mean = 0.0, double stddev = 0.05, int? seed = null) : base(seed)
    {
        if (!(stddev >= 0))
            throw new ArgumentOutOfRangeException(nameof(stddev), $"TruncatedNormal: stddev must be non-negative, got {stddev}.");
        Mean = mean;
        Stddev = stddev;
    }

    public double Mean { get; }

    public double Stddev { get; }

    public override string ClassName => "TruncatedNormal";

    public override Tensor Call(Shape shape, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(shape);
        CheckFloat(dtype, ClassName);
        return Truncated(shape, Mean, Stddev);
    }

    public override JObject GetConfig() => new() { ["seed"] = SeedToken, ["mean"] = Mean, ["stddev"] = Stddev };

    public static TruncatedNormal FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new TruncatedNormal(config.Value<double?>("mean") ?? 0.0, config.Value<double?>("stddev") ?? 0.05, ReadSeed(config));
    }
}
