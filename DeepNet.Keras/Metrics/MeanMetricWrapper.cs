using DeepNet.Autograd;
using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// The weighted mean of a per-sample function of (y_true, y_pred) (Keras
/// <c>keras.metrics.MeanMetricWrapper</c>): each update evaluates the function on the batch and
/// feeds the values, with the sample weights, to <see cref="Mean"/>. The function is a tensor
/// function, a <see cref="Loss"/> (its unreduced per-sample values, with its mask), or, for the
/// built-in accuracy metrics, a host computation.
/// </summary>
public class MeanMetricWrapper : Mean
{
    private readonly Func<Tensor, Tensor, Tensor>? _fn;
    private readonly Loss? _loss;

    /// <summary>Wraps a function returning per-sample values (e.g. a custom metric).</summary>
    public MeanMetricWrapper(Func<Tensor, Tensor, Tensor> fn, string name) : base(name)
    {
        ArgumentNullException.ThrowIfNull(fn);
        _fn = fn;
    }

    /// <summary>Wraps a loss: its per-sample values before reduction (Keras uses loss functions as metrics).</summary>
    public MeanMetricWrapper(Loss loss, string? name = null) : base(name ?? loss?.Name ?? throw new ArgumentNullException(nameof(loss)))
    {
        _loss = loss;
    }

    /// <summary>For the built-in metrics that override <see cref="Evaluate"/> with a host computation.</summary>
    private protected MeanMetricWrapper(string name) : base(name) { }

    public override string ClassName => "MeanMetricWrapper";

    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null) => UpdateState(yTrue, yPred, sampleWeight, null);

    /// <summary>
    /// Keras's <c>MeanMetricWrapper.update_state</c>: the predictions' mask, then the function's
    /// own mask, multiply the sample weights (<c>apply_mask</c> with reduction "sum"), so masked
    /// entries weigh 0 and leave the count unchanged.
    /// </summary>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (values, valueMask) = Evaluate(yTrue, yPred);
        var weights = sampleWeight is null ? null : HostArray.Read(sampleWeight);
        if (mask is not null) weights = ApplyMask(weights, HostArray.Read(mask));
        if (valueMask is not null) weights = ApplyMask(weights, valueMask);
        Accumulate(values, weights);
    }

    /// <summary>weights · mask, or the mask alone; per-sample weights (N,) apply to every entry of their sample.</summary>
    private HostArray ApplyMask(HostArray? weights, HostArray mask)
    {
        if (weights is null) return mask;
        (mask, weights) = HostArray.SqueezeOrExpand(mask, weights);
        weights = weights.ExpandTrailing(mask);
        mask = mask.ExpandTrailing(weights);
        var shape = mask.Rank >= weights.Rank ? mask.Shape : weights.Shape;
        var m = mask.BroadcastTo(shape, Name);
        var w = weights.BroadcastTo(shape, Name);
        var merged = new double[m.Length];
        for (int i = 0; i < merged.Length; i++) merged[i] = m.Data[i] * w.Data[i];
        return new HostArray(merged, shape);
    }

    /// <summary>Per-sample values of one batch, and an optional 0/1 mask of the entries that count.</summary>
    private protected virtual (HostArray Values, HostArray? Mask) Evaluate(Tensor yTrue, Tensor yPred)
    {
        // Metrics are not differentiated: keep their ops off a recording tape.
        using var pause = GradientTape.Current?.StopRecording();
        if (_loss is not null)
        {
            var (values, mask) = _loss.ComputeValues(yTrue, yPred);
            return (HostArray.Read(values), mask is null ? null : HostArray.Read(mask));
        }
        if (_fn is not null) return (HostArray.Read(_fn(yTrue, yPred)), null);
        throw new InvalidOperationException($"{ClassName} '{Name}' has no function to evaluate.");
    }
}
