using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>
/// He normal: truncated normal with stddev √(2 / fan_in) (Keras <c>HeNormal</c>): variance scaling with scale=2.0, mode="fan_in", distribution="truncated_normal".
/// </summary>
public sealed class HeNormal : VarianceScaling
{
    public HeNormal(int? seed = null, int[]? inputAxes = null, int[]? outputAxes = null)
        : base(2.0, "fan_in", "truncated_normal", seed, inputAxes, outputAxes) { }

    public override string ClassName => "HeNormal";

    public override JObject GetConfig() => PresetConfig();

    public static new HeNormal FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new HeNormal(ReadSeed(config), ReadAxes(config, "input_axes"), ReadAxes(config, "output_axes"));
    }
}
