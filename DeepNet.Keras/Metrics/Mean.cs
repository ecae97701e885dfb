using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// The weighted mean of the values it is given (Keras <c>keras.metrics.Mean</c>, name "mean"):
/// result = Σ value·weight / Σ weight over every update, 0 before any. Values of rank &gt; 1 are
/// first averaged per sample; weights broadcast to the values. This is the metric Fit uses to
/// track the loss.
/// </summary>
public class Mean : Metric
{
    private double _total;
    private double _count;

    public Mean(string name = "mean") : base(name) { }

    public override string ClassName => "Mean";

    /// <summary>Σ value·weight so far (Keras variable <c>total</c>).</summary>
    public double Total => _total;

    /// <summary>Σ weight so far (Keras variable <c>count</c>).</summary>
    public double Count => _count;

    /// <summary>Adds one value with a weight (e.g. a batch's loss weighted by the batch size).</summary>
    public void UpdateState(double value, double sampleWeight = 1.0)
    {
        _total += value * sampleWeight;
        _count += sampleWeight;
    }

    /// <summary>
    /// Adds a tensor of values (Keras <c>Mean.update_state(values, sample_weight)</c>); named apart
    /// from <see cref="UpdateState(Tensor, Tensor, Tensor?)"/> so that a call with labels and
    /// predictions never lands here by overload resolution.
    /// </summary>
    public void UpdateValues(Tensor values, Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        Accumulate(HostArray.Read(values), sampleWeight is null ? null : HostArray.Read(sampleWeight));
    }

    /// <summary>
    /// A Mean takes values, not labels and predictions; this overload exists for the base
    /// contract and treats <paramref name="yPred"/> as the values.
    /// </summary>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) => UpdateValues(yPred, sampleWeight);

    /// <summary>
    /// Keras's <c>reduce_to_samplewise_values</c> and <c>Mean.update_state</c>: values beyond the
    /// weights' rank are averaged, weighted, then averaged per sample; the count grows by Σ weight
    /// (or by the number of samples without weights).
    /// </summary>
    internal void Accumulate(HostArray values, HostArray? weights)
    {
        if (weights is not null)
        {
            (values, weights) = HostArray.SqueezeOrExpand(values, weights);
            int weightRank = weights.Rank;
            if (values.Rank > weightRank) values = values.MeanTrailing(weightRank);
            weights = weights.BroadcastTo(values.Shape, Name);
            var weighted = new double[values.Length];
            for (int i = 0; i < weighted.Length; i++) weighted[i] = values.Data[i] * weights.Data[i];
            values = new HostArray(weighted, values.Shape);
            if (weightRank > 1) weights = weights.MeanTrailing(1);
        }
        if (values.Rank > 1) values = values.MeanTrailing(1);

        double total = 0;
        foreach (double v in values.Data) total += v;
        _total += total;
        if (weights is not null)
        {
            double count = 0;
            foreach (double w in weights.Data) count += w;
            _count += count;
        }
        else _count += values.Rank >= 1 ? values.Shape[0] : 1;
    }

    /// <summary>Σ value·weight / Σ weight, or 0 when the count is 0 (Keras <c>divide_no_nan</c>).</summary>
    public override double Result() => _count == 0 ? 0.0 : _total / _count;

    public override void ResetState()
    {
        _total = 0;
        _count = 0;
    }

    public static Mean FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Mean(config.Value<string?>("name") ?? "mean");
    }
}
