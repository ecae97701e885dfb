using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>
/// Glorot (Xavier) uniform: values in ±√(6 / (fan_in + fan_out)) (Keras <c>GlorotUniform</c>): variance scaling with scale=1.0, mode="fan_avg", distribution="uniform".
/// </summary>
public sealed class GlorotUniform : VarianceScaling
{
    public GlorotUniform(int? seed = null, int[]? inputAxes = null, int[]? outputAxes = null)
        : base(1.0, "fan_avg", "uniform", seed, inputAxes, outputAxes) { }

    public override string ClassName => "GlorotUniform";

    public override JObject GetConfig() => PresetConfig();

    public static new GlorotUniform FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new GlorotUniform(ReadSeed(config), ReadAxes(config, "input_axes"), ReadAxes(config, "output_axes"));
    }
}
