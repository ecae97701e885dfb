using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Mean of (y_true − y_pred)² (Keras metric <c>MeanSquaredError</c>, name "mean_squared_error"): the weighted mean of the per-sample loss.</summary>
public sealed class MeanSquaredError : MeanMetricWrapper
{
    public MeanSquaredError(string name = "mean_squared_error") : base(new Losses.MeanSquaredError(Reduction.None), name) { }

    public override string ClassName => "MeanSquaredError";

    public static new MeanSquaredError FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "mean_squared_error");
}
