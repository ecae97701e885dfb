using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Hinge loss as a metric (Keras metric <c>Hinge</c>, name "hinge"): the weighted mean of the per-sample loss.</summary>
public sealed class Hinge : MeanMetricWrapper
{
    public Hinge(string name = "hinge") : base(new Losses.Hinge(Reduction.None), name) { }

    public override string ClassName => "Hinge";

    public static new Hinge FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "hinge");
}
