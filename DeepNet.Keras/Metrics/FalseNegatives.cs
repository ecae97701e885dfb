using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Weighted count of positive labels predicted negative (Keras <c>FalseNegatives</c>, thresholds 0.5).</summary>
public sealed class FalseNegatives : ConfusionCountMetric
{
    public FalseNegatives(double[]? thresholds = null, string? name = null) : base(thresholds, name ?? MetricNames.Unique("false_negatives")) { }

    public override string ClassName => "FalseNegatives";

    private protected override double[] Cell => Counts.FalseNegatives;

    public static FalseNegatives FromConfig(JObject config)
    {
        var (thresholds, name) = Read(config);
        return new FalseNegatives(thresholds, name);
    }
}
