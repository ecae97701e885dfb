using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// What Precision and Recall share: TP / (TP + X) over everything seen, per threshold
/// (thresholds 0.5, or −∞ with <c>top_k</c>; optional <c>class_id</c>). A score counts as
/// positive when strictly above the threshold. With several thresholds <see cref="Result"/> is
/// the first one's value and <see cref="ResultPerThreshold"/> gives them all.
/// </summary>
public abstract class ThresholdRatioMetric : Metric
{
    private readonly double[]? _initThresholds;

    protected ThresholdRatioMetric(double[]? thresholds, int? topK, int? classId, string name, string className)
        : base(name)
    {
        _initThresholds = thresholds is null ? null : (double[])thresholds.Clone();
        TopK = topK;
        ClassId = classId;
        var used = ThresholdList.Parse(thresholds, topK is null ? 0.5 : ConfusionCounts.NegativeInfinity, className);
        Counts = new ConfusionCounts(used, ConfusionCounts.IsEvenlyDistributed(used));
    }

    public IReadOnlyList<double> Thresholds => Counts.Thresholds;

    public int? TopK { get; }

    public int? ClassId { get; }

    private protected ConfusionCounts Counts { get; }

    /// <summary>The count added to the true positives in the denominator, per threshold.</summary>
    private protected abstract double[] OtherCounts { get; }

    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (labels, scores, weights) = ConfusionCounts.Prepare(yTrue, yPred, sampleWeight, TopK, ClassId, Name);
        Counts.Update(labels, scores, weights);
    }

    public override double Result() => ResultPerThreshold()[0];

    public double[] ResultPerThreshold()
    {
        var other = OtherCounts;
        var result = new double[Counts.Thresholds.Length];
        for (int i = 0; i < result.Length; i++)
        {
            double denominator = Counts.TruePositives[i] + other[i];
            result[i] = denominator == 0 ? 0 : Counts.TruePositives[i] / denominator;
        }
        return result;
    }

    public override void ResetState() => Counts.Reset();

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["thresholds"] = ThresholdList.ToToken(_initThresholds);
        config["top_k"] = TopK is int k ? new JValue(k) : JValue.CreateNull();
        config["class_id"] = ClassId is int c ? new JValue(c) : JValue.CreateNull();
        return config;
    }

    /// <summary>The constructor arguments stored in a config: thresholds, top_k, class_id, name.</summary>
    private protected static (double[]? Thresholds, int? TopK, int? ClassId, string? Name) ReadConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return (ThresholdList.Read(config["thresholds"]), config.Value<int?>("top_k"), config.Value<int?>("class_id"), config.Value<string?>("name"));
    }
}
