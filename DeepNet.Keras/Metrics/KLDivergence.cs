using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Kullback-Leibler divergence as a metric (Keras metric <c>KLDivergence</c>, name "kl_divergence"): the weighted mean of the per-sample loss.</summary>
public sealed class KLDivergence : MeanMetricWrapper
{
    public KLDivergence(string name = "kl_divergence") : base(new Losses.KLDivergence(Reduction.None), name) { }

    public override string ClassName => "KLDivergence";

    public static new KLDivergence FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "kl_divergence");
}
