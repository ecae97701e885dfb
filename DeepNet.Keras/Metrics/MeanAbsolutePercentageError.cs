using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Mean absolute percentage error (Keras metric <c>MeanAbsolutePercentageError</c>, name "mean_absolute_percentage_error"): the weighted mean of the per-sample loss.</summary>
public sealed class MeanAbsolutePercentageError : MeanMetricWrapper
{
    public MeanAbsolutePercentageError(string name = "mean_absolute_percentage_error") : base(new Losses.MeanAbsolutePercentageError(Reduction.None), name) { }

    public override string ClassName => "MeanAbsolutePercentageError";

    public static new MeanAbsolutePercentageError FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "mean_absolute_percentage_error");
}
