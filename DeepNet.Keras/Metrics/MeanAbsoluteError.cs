using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Mean of |y_true − y_pred| (Keras metric <c>MeanAbsoluteError</c>, name "mean_absolute_error"): the weighted mean of the per-sample loss.</summary>
public sealed class MeanAbsoluteError : MeanMetricWrapper
{
    public MeanAbsoluteError(string name = "mean_absolute_error") : base(new Losses.MeanAbsoluteError(Reduction.None), name) { }

    public override string ClassName => "MeanAbsoluteError";

    public static new MeanAbsoluteError FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "mean_absolute_error");
}
