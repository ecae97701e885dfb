using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// Base of TruePositives, FalsePositives, TrueNegatives and FalseNegatives (Keras
/// <c>_ConfusionMatrixConditionCount</c>): the weighted count of one confusion-matrix cell at
/// each threshold (default 0.5; a score is positive when strictly above it).
/// </summary>
public abstract class ConfusionCountMetric : Metric
{
    private readonly double[]? _initThresholds;
    private protected readonly ConfusionCounts Counts;

    private protected ConfusionCountMetric(double[]? thresholds, string name) : base(name)
    {
        _initThresholds = thresholds is null ? null : (double[])thresholds.Clone();
        var used = ThresholdList.Parse(thresholds, 0.5, ClassName);
        Counts = new ConfusionCounts(used, ConfusionCounts.IsEvenlyDistributed(used));
    }

    public IReadOnlyList<double> Thresholds => Counts.Thresholds;

    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (labels, scores, weights) = ConfusionCounts.Prepare(yTrue, yPred, sampleWeight, null, null, Name);
        Counts.Update(labels, scores, weights);
    }

    /// <summary>The count at the first threshold; <see cref="ResultPerThreshold"/> gives them all.</summary>
    public override double Result() => Cell[0];

    public double[] ResultPerThreshold() => (double[])Cell.Clone();

    private protected abstract double[] Cell { get; }

    public override void ResetState() => Counts.Reset();

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["thresholds"] = ThresholdList.ToToken(_initThresholds);
        return config;
    }

    internal static (double[]? Thresholds, string? Name) Read(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return (ThresholdList.Read(config["thresholds"]), config.Value<string?>("name"));
    }
}
