using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>
/// Scales its distribution to the weight's fans (Keras <c>VarianceScaling</c>, defaults
/// scale=1.0, mode="fan_in", distribution="truncated_normal"). With n = max(1, fan) for the
/// mode (fan_avg = (fan_in + fan_out) / 2): uniform draws in ±√(3·scale/n); untruncated normal
/// has stddev √(scale/n); truncated normal has stddev √(scale/n) / 0.8796… so that the spread
/// after cutting at 2σ is √(scale/n).
/// </summary>
public class VarianceScaling : RandomInitializer
{
    /// <summary>Standard deviation of a unit normal truncated to [-2, 2].</summary>
    private const double TruncatedStddev = 0.87962566103423978;

    public VarianceScaling(double scale = 1.0, string mode = "fan_in", string distribution = "truncated_normal",
        int? seed = null, int[]? inputAxes = null, int[]? outputAxes = null) : base(seed)
    {
        if (!(scale > 0.0))
            throw new ArgumentOutOfRangeException(nameof(scale), $"Argument `scale` must be positive float. Received: scale={scale}");
        ArgumentNullException.ThrowIfNull(mode);
        ArgumentNullException.ThrowIfNull(distribution);
        if (mode is not ("fan_in" or "fan_out" or "fan_avg"))
            throw new ArgumentException($"Invalid `mode` argument: {mode}. Please use one of fan_in, fan_out, fan_avg.", nameof(mode));
        distribution = distribution.ToLowerInvariant();
        if (distribution == "normal") distribution = "truncated_normal";
        if (distribution is not ("uniform" or "truncated_normal" or "untruncated_normal"))
            throw new ArgumentException($"Invalid `distribution` argument: {distribution}. Please use one of uniform, truncated_normal, untruncated_normal.", nameof(distribution));
        Scale = scale;
        Mode = mode;
        Distribution = distribution;
        InputAxes = inputAxes;
        OutputAxes = outputAxes;
    }

    public double Scale { get; }

    /// <summary>"fan_in", "fan_out" or "fan_avg".</summary>
    public string Mode { get; }

    /// <summary>"truncated_normal", "untruncated_normal" or "uniform".</summary>
    public string Distribution { get; }

    /// <summary>Axes whose product is the fan-in (used only together with <see cref="OutputAxes"/>).</summary>
    public int[]? InputAxes { get; }

    /// <summary>Axes whose product is the fan-out (used only together with <see cref="InputAxes"/>).</summary>
    public int[]? OutputAxes { get; }

    public override string ClassName => "VarianceScaling";

    public override Tensor Call(Shape shape, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(shape);
        CheckFloat(dtype, ClassName);
        var (fanIn, fanOut) = ComputeFans(shape, InputAxes, OutputAxes);
        double n = Mode switch
        {
            "fan_in" => Math.Max(1.0, fanIn),
            "fan_out" => Math.Max(1.0, fanOut),
            _ => Math.Max(1.0, (fanIn + fanOut) / 2.0),
        };
        double scale = Scale / n;
        return Distribution switch
        {
            "truncated_normal" => Truncated(shape, 0.0, Math.Sqrt(scale) / TruncatedStddev),
            "untruncated_normal" => Normal(shape, 0.0, Math.Sqrt(scale)),
            _ => Uniform(shape, -Math.Sqrt(3.0 * scale), Math.Sqrt(3.0 * scale)),
        };
    }

    /// <summary>
    /// Keras's fans: rank 0 ⇒ (1, 1); rank 1 ⇒ (n, n); rank 2 ⇒ (rows, cols); higher ranks are
    /// convolution kernels (..., in, out) whose receptive field multiplies both.
    /// </summary>
    public static (long FanIn, long FanOut) ComputeFans(Shape shape, int[]? inputAxes = null, int[]? outputAxes = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (inputAxes is not null && outputAxes is not null)
        {
            long fi = 1, fo = 1;
            foreach (int axis in inputAxes) fi *= shape[axis];
            foreach (int axis in outputAxes) fo *= shape[axis];
            return (fi, fo);
        }
        switch (shape.Rank)
        {
            case 0: return (1, 1);
            case 1: return (shape[0], shape[0]);
            case 2: return (shape[0], shape[1]);
            default:
                long receptive = 1;
                for (int i = 0; i < shape.Rank - 2; i++) receptive *= shape[i];
                return (shape[^2] * receptive, shape[^1] * receptive);
        }
    }

    public override JObject GetConfig() => new()
    {
        ["seed"] = SeedToken,
        ["scale"] = Scale,
        ["mode"] = Mode,
        ["distribution"] = Distribution,
        ["input_axes"] = AxesToken(InputAxes),
        ["output_axes"] = AxesToken(OutputAxes),
    };

    public static VarianceScaling FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new VarianceScaling(
            config.Value<double?>("scale") ?? 1.0,
            config.Value<string?>("mode") ?? "fan_in",
            config.Value<string?>("distribution") ?? "truncated_normal",
            ReadSeed(config),
            ReadAxes(config, "input_axes"),
            ReadAxes(config, "output_axes"));
    }

    /// <summary>The config of the fixed-scale subclasses (GlorotUniform, HeNormal, ...).</summary>
    protected JObject PresetConfig() => new()
    {
        ["seed"] = SeedToken,
        ["input_axes"] = AxesToken(InputAxes),
        ["output_axes"] = AxesToken(OutputAxes),
    };

    internal static int[]? ReadAxes(JObject config, string key)
    {
        var token = config[key];
        if (token is null || token.Type == JTokenType.Null) return null;
        return token.ToObject<int[]>();
    }

    private static JToken AxesToken(int[]? axes) => axes is null ? JValue.CreateNull() : new JArray(axes);
}
