using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>
/// He uniform: values in ±√(6 / fan_in) (Keras <c>HeUniform</c>): variance scaling with scale=2.0, mode="fan_in", distribution="uniform".
/// </summary>
public sealed class HeUniform : VarianceScaling
{
    public HeUniform(int? seed = null, int[]? inputAxes = null, int[]? outputAxes = null)
        : base(2.0, "fan_in", "uniform", seed, inputAxes, outputAxes) { }

    public override string ClassName => "HeUniform";

    public override JObject GetConfig() => PresetConfig();

    public static new HeUniform FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new HeUniform(ReadSeed(config), ReadAxes(config, "input_axes"), ReadAxes(config, "output_axes"));
    }
}
