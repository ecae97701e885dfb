using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Poisson loss as a metric (Keras metric <c>Poisson</c>, name "poisson"): the weighted mean of the per-sample loss.</summary>
public sealed class Poisson : MeanMetricWrapper
{
    public Poisson(string name = "poisson") : base(new Losses.Poisson(Reduction.None), name) { }

    public override string ClassName => "Poisson";

    public static new Poisson FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "poisson");
}
