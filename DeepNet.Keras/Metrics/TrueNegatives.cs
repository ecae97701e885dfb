using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Weighted count of negative labels predicted negative (Keras <c>TrueNegatives</c>, thresholds 0.5).</summary>
public sealed class TrueNegatives : ConfusionCountMetric
{
    public TrueNegatives(double[]? thresholds = null, string? name = null) : base(thresholds, name ?? MetricNames.Unique("true_negatives")) { }

    public override string ClassName => "TrueNegatives";

    private protected override double[] Cell => Counts.TrueNegatives;

    public static TrueNegatives FromConfig(JObject config)
    {
        var (thresholds, name) = Read(config);
        return new TrueNegatives(thresholds, name);
    }
}
