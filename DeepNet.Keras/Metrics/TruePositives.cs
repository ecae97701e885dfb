using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Weighted count of positive labels predicted positive (Keras <c>TruePositives</c>, thresholds 0.5).</summary>
public sealed class TruePositives : ConfusionCountMetric
{
    public TruePositives(double[]? thresholds = null, string? name = null) : base(thresholds, name ?? MetricNames.Unique("true_positives")) { }

    public override string ClassName => "TruePositives";

    private protected override double[] Cell => Counts.TruePositives;

    public static TruePositives FromConfig(JObject config)
    {
        var (thresholds, name) = Read(config);
        return new TruePositives(thresholds, name);
    }
}
