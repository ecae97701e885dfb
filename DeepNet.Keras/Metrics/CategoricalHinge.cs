using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Categorical hinge loss as a metric (Keras metric <c>CategoricalHinge</c>, name "categorical_hinge"): the weighted mean of the per-sample loss.</summary>
public sealed class CategoricalHinge : MeanMetricWrapper
{
    public CategoricalHinge(string name = "categorical_hinge") : base(new Losses.CategoricalHinge(Reduction.None), name) { }

    public override string ClassName => "CategoricalHinge";

    public static new CategoricalHinge FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "categorical_hinge");
}
