using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Mean squared logarithmic error (Keras metric <c>MeanSquaredLogarithmicError</c>, name "mean_squared_logarithmic_error"): the weighted mean of the per-sample loss.</summary>
public sealed class MeanSquaredLogarithmicError : MeanMetricWrapper
{
    public MeanSquaredLogarithmicError(string name = "mean_squared_logarithmic_error") : base(new Losses.MeanSquaredLogarithmicError(Reduction.None), name) { }

    public override string ClassName => "MeanSquaredLogarithmicError";

    public static new MeanSquaredLogarithmicError FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "mean_squared_logarithmic_error");
}
