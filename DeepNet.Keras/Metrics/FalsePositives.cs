using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Weighted count of negative labels predicted positive (Keras <c>FalsePositives</c>, thresholds 0.5).</summary>
public sealed class FalsePositives : ConfusionCountMetric
{
    public FalsePositives(double[]? thresholds = null, string? name = null) : base(thresholds, name ?? MetricNames.Unique("false_positives")) { }

    public override string ClassName => "FalsePositives";

    private protected override double[] Cell => Counts.FalsePositives;

    public static FalsePositives FromConfig(JObject config)
    {
        var (thresholds, name) = Read(config);
        return new FalsePositives(thresholds, name);
    }
}
