using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// Area under the ROC or precision-recall curve (Keras <c>AUC</c>: num_thresholds 200, curve
/// "ROC", summation_method "interpolation"), approximated from confusion counts at fixed
/// thresholds exactly as Keras does. The thresholds are i/(n−1) for i = 1…n−2 plus −ε and 1 + ε
/// at the ends (or the given list between those ends). The curve points (x, y) — (FPR, recall)
/// for ROC, (recall, precision) for PR — are summed as a Riemann sum Σ (x[i] − x[i+1])·h[i],
/// where h is the mean of the two heights ("interpolation"), their minimum ("minoring") or
/// maximum ("majoring"). PR with interpolation uses Davis &amp; Goadrich's interpolation instead.
/// Scores are clipped to [0, 1]; <c>from_logits</c> applies a sigmoid first. Multi-label mode
/// is not supported.
/// </summary>
public sealed class AUC : Metric
{
    private const double Epsilon = 1e-7;
    private readonly double[]? _initThresholds;
    private readonly ConfusionCounts _counts;
    private readonly double[]? _labelWeights;

    public AUC(int numThresholds = 200, string curve = "ROC", string summationMethod = "interpolation", string? name = null,
        double[]? thresholds = null, bool multiLabel = false, int? numLabels = null, double[]? labelWeights = null, bool fromLogits = false)
        : base(name ?? MetricNames.Unique("auc"))
    {
        Curve = curve switch
        {
            "ROC" or "roc" => "ROC",
            "PR" or "pr" => "PR",
            _ => throw new ArgumentException($"Invalid AUC curve value: \"{curve}\". Expected values are [\"PR\", \"ROC\"].", nameof(curve)),
        };
        SummationMethod = summationMethod switch
        {
            "interpolation" or "Interpolation" => "interpolation",
            "majoring" or "Majoring" => "majoring",
            "minoring" or "Minoring" => "minoring",
            _ => throw new ArgumentException($"Invalid AUC summation method value: \"{summationMethod}\". Expected values are [\"interpolation\", \"majoring\", \"minoring\"].", nameof(summationMethod)),
        };
        if (multiLabel)
            throw new NotSupportedException("AUC: multi_label=True is not supported; compute one AUC per label with class-specific inputs.");
        if (numLabels is not null)
            throw new ArgumentException("`num_labels` is needed only when `multi_label` is True.", nameof(numLabels));

        double[] inner;
        bool evenly;
        if (thresholds is not null)
        {
            inner = (double[])thresholds.Clone();
            Array.Sort(inner);
            NumThresholds = inner.Length + 2;
            evenly = ConfusionCounts.IsEvenlyDistributed([0.0, .. inner, 1.0]);
            _initThresholds = inner;
        }
        else
        {
            if (numThresholds <= 1)
                throw new ArgumentOutOfRangeException(nameof(numThresholds), $"Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={numThresholds}");
            NumThresholds = numThresholds;
            inner = new double[numThresholds - 2];
            for (int i = 0; i < inner.Length; i++) inner[i] = (i + 1) * 1.0 / (numThresholds - 1);
            evenly = true;
        }
        _counts = new ConfusionCounts([0.0 - Epsilon, .. inner, 1.0 + Epsilon], evenly);
        _labelWeights = labelWeights is null ? null : (double[])labelWeights.Clone();
        FromLogits = fromLogits;
    }

    public int NumThresholds { get; }

    /// <summary>"ROC" or "PR".</summary>
    public string Curve { get; }

    /// <summary>"interpolation", "minoring" or "majoring".</summary>
    public string SummationMethod { get; }

    public bool FromLogits { get; }

    /// <summary>All thresholds, ends included.</summary>
    public IReadOnlyList<double> Thresholds => _counts.Thresholds;

    public override string ClassName => "AUC";

    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (labels, scores, weights) = ConfusionCounts.Prepare(yTrue, yPred, sampleWeight, null, null, Name);
        if (FromLogits)
        {
            scores = (double[])scores.Clone();
            for (int i = 0; i < scores.Length; i++) scores[i] = 1.0 / (1.0 + Math.Exp(-scores[i]));
        }
        if (_labelWeights is not null)
        {
            // Per-class weights along the last axis.
            int classes = _labelWeights.Length;
            if (scores.Length % classes != 0 || yPred.Shape[-1] != classes)
                throw new ShapeMismatchException(Name, $"label_weights has {classes} entries but predictions have shape {yPred.Shape}.");
            weights = (double[])weights.Clone();
            for (int i = 0; i < weights.Length; i++) weights[i] *= _labelWeights[i % classes];
        }
        _counts.Update(labels, scores, weights);
    }

    public override double Result()
    {
        var tp = _counts.TruePositives;
        var fp = _counts.FalsePositives;
        var tn = _counts.TrueNegatives;
        var fn = _counts.FalseNegatives;
        int n = NumThresholds;
        if (Curve == "PR" && SummationMethod == "interpolation") return InterpolatePrAuc(tp, fp, fn, n);

        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double recall = DivideNoNan(tp[i], tp[i] + fn[i]);
            if (Curve == "ROC")
            {
                x[i] = DivideNoNan(fp[i], fp[i] + tn[i]);
                y[i] = recall;
            }
            else
            {
                x[i] = recall;
                y[i] = DivideNoNan(tp[i], tp[i] + fp[i]);
            }
        }
        double area = 0;
        for (int i = 0; i < n - 1; i++)
        {
            double height = SummationMethod switch
            {
                "interpolation" => (y[i] + y[i + 1]) / 2.0,
                "minoring" => Math.Min(y[i], y[i + 1]),
                _ => Math.Max(y[i], y[i + 1]),
            };
            area += (x[i] - x[i + 1]) * height;
        }
        return area;
    }

    /// <summary>Keras's <c>interpolate_pr_auc</c> (Davis &amp; Goadrich 2006).</summary>
    private static double InterpolatePrAuc(double[] tp, double[] fp, double[] fn, int n)
    {
        double area = 0;
        for (int i = 0; i < n - 1; i++)
        {
            double dtp = tp[i] - tp[i + 1];
            double p0 = tp[i] + fp[i], p1 = tp[i + 1] + fp[i + 1];
            double dp = p0 - p1;
            double slope = DivideNoNan(dtp, Math.Max(dp, 0));
            double intercept = tp[i + 1] - slope * p1;
            double ratio = p0 > 0 && p1 > 0 ? DivideNoNan(p0, Math.Max(p1, 0)) : 1.0;
            area += DivideNoNan(slope * (dtp + intercept * Math.Log(ratio)), Math.Max(tp[i + 1] + fn[i + 1], 0));
        }
        return area;
    }

    private static double DivideNoNan(double a, double b) => b == 0 ? 0 : a / b;

    public override void ResetState() => _counts.Reset();

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["num_thresholds"] = NumThresholds;
        config["curve"] = Curve;
        config["summation_method"] = SummationMethod;
        config["multi_label"] = false;
        config["num_labels"] = null;
        config["label_weights"] = _labelWeights is null ? JValue.CreateNull() : new JArray(_labelWeights);
        config["from_logits"] = FromLogits;
        if (_initThresholds is not null) config["thresholds"] = new JArray(_initThresholds);
        return config;
    }

    public static AUC FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new AUC(
            config.Value<int?>("num_thresholds") ?? 200,
            config.Value<string?>("curve") ?? "ROC",
            config.Value<string?>("summation_method") ?? "interpolation",
            config.Value<string?>("name"),
            ThresholdList.Read(config["thresholds"]),
            config.Value<bool?>("multi_label") ?? false,
            config.Value<int?>("num_labels"),
            ThresholdList.Read(config["label_weights"]),
            config.Value<bool?>("from_logits") ?? false);
    }
}
