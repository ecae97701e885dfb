using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// TP / (TP + FP) over everything seen (Keras <c>Precision</c>: thresholds 0.5, or −∞ with
/// <c>top_k</c>; optional <c>class_id</c>). A score counts as positive when strictly above the
/// threshold. With several thresholds <see cref="Result"/> is the first one's value and
/// <see cref="ResultPerThreshold"/> gives them all.
/// </summary>
public sealed class Precision : Metric
{
    private readonly double[]? _initThresholds;
    private readonly ConfusionCounts _counts;

    public Precision(double[]? thresholds = null, int? topK = null, int? classId = null, string? name = null)
        : base(name ?? MetricNames.Unique("precision"))
    {
        _initThresholds = thresholds is null ? null : (double[])thresholds.Clone();
        TopK = topK;
        ClassId = classId;
        var used = ThresholdList.Parse(thresholds, topK is null ? 0.5 : ConfusionCounts.NegativeInfinity, "Precision");
        _counts = new ConfusionCounts(used, ConfusionCounts.IsEvenlyDistributed(used));
    }

    public IReadOnlyList<double> Thresholds => _counts.Thresholds;

    public int? TopK { get; }

    public int? ClassId { get; }

    public override string ClassName => "Precision";

    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (labels, scores, weights) = ConfusionCounts.Prepare(yTrue, yPred, sampleWeight, TopK, ClassId, Name);
        _counts.Update(labels, scores, weights);
    }

    public override double Result() => ResultPerThreshold()[0];

    public double[] ResultPerThreshold()
    {
        var result = new double[_counts.Thresholds.Length];
        for (int i = 0; i < result.Length; i++)
        {
            double denominator = _counts.TruePositives[i] + _counts.FalsePositives[i];
            result[i] = denominator == 0 ? 0 : _counts.TruePositives[i] / denominator;
        }
        return result;
    }

    public override void ResetState() => _counts.Reset();

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["thresholds"] = ThresholdList.ToToken(_initThresholds);
        config["top_k"] = TopK is int k ? new JValue(k) : JValue.CreateNull();
        config["class_id"] = ClassId is int c ? new JValue(c) : JValue.CreateNull();
        return config;
    }

    public static Precision FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Precision(ThresholdList.Read(config["thresholds"]), config.Value<int?>("top_k"), config.Value<int?>("class_id"), config.Value<string?>("name"));
    }
}
