using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Logarithm of the hyperbolic cosine of the error (Keras metric <c>LogCoshError</c>, name "logcosh"): the weighted mean of the per-sample loss.</summary>
public sealed class LogCoshError : MeanMetricWrapper
{
    public LogCoshError(string name = "logcosh") : base(new Losses.LogCosh(Reduction.None), name) { }

    public override string ClassName => "LogCoshError";

    public static new LogCoshError FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "logcosh");
}
