using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// TP / (TP + FP) over everything seen (Keras <c>Precision</c>); see <see cref="ThresholdRatioMetric"/>
/// for thresholds, <c>top_k</c> and <c>class_id</c>.
/// </summary>
public sealed class Precision : ThresholdRatioMetric
{
    public Precision(double[]? thresholds = null, int? topK = null, int? classId = null, string? name = null)
        : base(thresholds, topK, classId, name ?? MetricNames.Unique("precision"), "Precision")
    {
    }

    public override string ClassName => "Precision";

    private protected override double[] OtherCounts => Counts.FalsePositives;

    public static Precision FromConfig(JObject config)
    {
        var (thresholds, topK, classId, name) = ReadConfig(config);
        return new Precision(thresholds, topK, classId, name);
    }
}
