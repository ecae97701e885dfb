using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Squared hinge loss as a metric (Keras metric <c>SquaredHinge</c>, name "squared_hinge"): the weighted mean of the per-sample loss.</summary>
public sealed class SquaredHinge : MeanMetricWrapper
{
    public SquaredHinge(string name = "squared_hinge") : base(new Losses.SquaredHinge(Reduction.None), name) { }

    public override string ClassName => "SquaredHinge";

    public static new SquaredHinge FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "squared_hinge");
}
