using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>
/// LeCun uniform: values in ±√(3 / fan_in) (Keras <c>LecunUniform</c>): variance scaling with scale=1.0, mode="fan_in", distribution="uniform".
/// </summary>
public sealed class LecunUniform : VarianceScaling
{
    public LecunUniform(int? seed = null, int[]? inputAxes = null, int[]? outputAxes = null)
        : base(1.0, "fan_in", "uniform", seed, inputAxes, outputAxes) { }

    public override string ClassName => "LecunUniform";

    public override JObject GetConfig() => PresetConfig();

    public static new LecunUniform FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new LecunUniform(ReadSeed(config), ReadAxes(config, "input_axes"), ReadAxes(config, "output_axes"));
    }
}
