using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>
/// LeCun normal: truncated normal with stddev √(1 / fan_in) (Keras <c>LecunNormal</c>): variance scaling with scale=1.0, mode="fan_in", distribution="truncated_normal".
/// </summary>
public sealed class LecunNormal : VarianceScaling
{
    public LecunNormal(int? seed = null, int[]? inputAxes = null, int[]? outputAxes = null)
        : base(1.0, "fan_in", "truncated_normal", seed, inputAxes, outputAxes) { }

    public override string ClassName => "LecunNormal";

    public override JObject GetConfig() => PresetConfig();

    public static new LecunNormal FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new LecunNormal(ReadSeed(config), ReadAxes(config, "input_axes"), ReadAxes(config, "output_axes"));
    }
}
