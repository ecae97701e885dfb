using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>
/// Glorot (Xavier) normal: truncated normal with stddev √(2 / (fan_in + fan_out)) (Keras <c>GlorotNormal</c>): variance scaling with scale=1.0, mode="fan_avg", distribution="truncated_normal".
/// </summary>
public sealed class GlorotNormal : VarianceScaling
{
    public GlorotNormal(int? seed = null, int[]? inputAxes = null, int[]? outputAxes = null)
        : base(1.0, "fan_avg", "truncated_normal", seed, inputAxes, outputAxes) { }

    public override string ClassName => "GlorotNormal";

    public override JObject GetConfig() => PresetConfig();

    public static new GlorotNormal FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new GlorotNormal(ReadSeed(config), ReadAxes(config, "input_axes"), ReadAxes(config, "output_axes"));
    }
}
