using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// TP / (TP + FN) over everything seen (Keras <c>Recall</c>); see <see cref="ThresholdRatioMetric"/>
/// for thresholds, <c>top_k</c> and <c>class_id</c>.
/// </summary>
public sealed class Recall : ThresholdRatioMetric
{
    public Recall(double[]? thresholds = null, int? topK = null, int? classId = null, string? name = null)
        : base(thresholds, topK, classId, name ?? MetricNames.Unique("recall"), "Recall")
    {
    }

    public override string ClassName => "Recall";

    private protected override double[] OtherCounts => Counts.FalseNegatives;

    public static Recall FromConfig(JObject config)
    {
        var (thresholds, topK, classId, name) = ReadConfig(config);
        return new Recall(thresholds, topK, classId, name);
    }
}
