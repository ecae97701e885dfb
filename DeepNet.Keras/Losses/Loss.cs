using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>How per-sample losses become the value returned by <see cref="Loss.Call"/>.</summary>
public enum Reduction
{
    /// <summary>Keras default: Σ(loss·weight) / number of elements (not Σweight).</summary>
    SumOverBatchSize,
    Sum,
    None,
    /// <summary>Σ(loss·weight) / Σweight.</summary>
    MeanWithSampleWeight,
    /// <summary>Keras's alias of <see cref="SumOverBatchSize"/>, kept apart so configs round-trip.</summary>
    Mean,
}

/// <summary>
/// A loss (Keras <c>keras.losses.Loss</c>): a per-sample function plus the shared handling of
/// sample weights and reduction. Written with Ops only, so the tape differentiates it.
/// </summary>
/// <remarks>
/// <see cref="Call"/> does what Keras's <c>Loss.__call__</c> and <c>LossFunctionWrapper.call</c>
/// do, once for every loss: labels become float32 (a loss may keep integers, see
/// <see cref="PrepareLabels"/>), labels and predictions whose ranks differ by one size-1 axis are
/// squeezed or expanded to the same rank, the per-sample function runs, then sample weights
/// (squeezed or expanded the same way, then broadcast) multiply the losses before the reduction.
/// </remarks>
public abstract class Loss
{
    protected Loss(string name, Reduction reduction)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Reduction = reduction;
    }

    /// <summary>Name in logs and configs (<c>categorical_crossentropy</c>).</summary>
    public string Name { get; }

    public Reduction Reduction { get; }

    /// <summary>
    /// The reduced loss: a scalar tensor (or per-sample losses for <see cref="Reduction.None"/>).
    /// <paramref name="sampleWeight"/> has the batch shape (or broadcasts to the per-sample losses).
    /// <paramref name="mask"/> is the predictions' mask (what Keras reads from
    /// <c>y_pred._keras_mask</c>, e.g. (batch, time) after <c>Embedding(mask_zero=True)</c>): 1
    /// where an entry counts, 0 where it is masked. It joins the loss's own mask and the sample
    /// weights as in Keras's <c>apply_mask</c>, so the default reduction averages over the
    /// unmasked entries only.
    /// </summary>
    public virtual Tensor Call(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null, Tensor? mask = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (yPred.DType != DType.Float32)
            throw new ArgumentException($"{Name}: predictions must be float32, got {yPred.DType.Name()} with shape {yPred.Shape}.", nameof(yPred));
        var (losses, lossMask) = ComputeValues(yTrue, yPred);
        return ReduceWeighted(losses, sampleWeight, CombineMasks(mask, lossMask, losses, Name), Reduction);
    }

    /// <summary>
    /// The predictions' mask and the loss's own mask as one 0/1 float mask of the per-sample
    /// losses' shape (Keras: <c>in_mask &amp; out_mask</c>). A predictions' mask that differs from the
    /// losses by a trailing size-1 axis is squeezed or expanded; any other shape is an error.
    /// </summary>
    internal static Tensor? CombineMasks(Tensor? predictionMask, Tensor? lossMask, Tensor losses, string owner)
    {
        if (predictionMask is null) return lossMask;
        var mask = predictionMask.DType == DType.Float32 ? predictionMask : Ops.Cast(predictionMask, DType.Float32);
        (_, mask) = SqueezeOrExpandToSameRank(losses, mask);
        if (mask.Shape != losses.Shape)
            throw new ShapeMismatchException(owner, $"the predictions' mask {predictionMask.Shape} does not match the per-sample losses {losses.Shape}; a mask must have the leading (batch, time) shape of the losses.");
        return lossMask is null ? mask : Ops.Multiply(mask, lossMask);
    }

    /// <summary>
    /// The per-sample losses before weighting and reduction, with the mask of the entries that
    /// count (null: all). Metrics that wrap a loss use this.
    /// </summary>
    internal (Tensor Losses, Tensor? Mask) ComputeValues(Tensor yTrue, Tensor yPred)
    {
        var labels = PrepareLabels(yTrue);
        (labels, var predictions) = SqueezeOrExpandToSameRank(labels, yPred);
        return ComputeWithMask(labels, predictions);
    }

    /// <summary>The per-sample loss (Keras's loss function): typically a mean over the last axis.</summary>
    protected abstract Tensor Compute(Tensor yTrue, Tensor yPred);

    /// <summary>
    /// The per-sample loss and an optional 0/1 mask of the entries that count (used by
    /// <c>ignore_class</c>); the mask takes part in the reduction as Keras's loss masks do.
    /// </summary>
    protected virtual (Tensor Losses, Tensor? Mask) ComputeWithMask(Tensor yTrue, Tensor yPred) => (Compute(yTrue, yPred), null);

    /// <summary>Labels as the loss wants them; float32 by default (Keras casts to the loss dtype).</summary>
    protected virtual Tensor PrepareLabels(Tensor yTrue) => yTrue.DType == DType.Float32 ? yTrue : Ops.Cast(yTrue, DType.Float32);

    /// <summary>
    /// Throws an <see cref="ArgumentException"/> that says what is wrong and which loss fits when
    /// labels cannot go with this loss (e.g. integer labels given to categorical_crossentropy).
    /// The default accepts labels with the predictions' shape, up to one trailing size-1 axis.
    /// </summary>
    public virtual void Validate(Shape yTrue, DType yTrueType, Shape yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (t, p) = SameRankShapes(yTrue, yPred);
        if (t.Rank != p.Rank || !Broadcastable(t, p))
            throw new ArgumentException($"{Name}: labels of shape {yTrue} do not match predictions of shape {yPred}; they must have the same shape.");
    }

    public abstract string ClassName { get; }

    /// <summary>Keras's base keys: <c>name</c> and <c>reduction</c>; subclasses append their own.</summary>
    public virtual JObject GetConfig() => new() { ["name"] = Name, ["reduction"] = ReductionName(Reduction) };

    // ---- shared helpers ----------------------------------------------------------------------

    /// <summary>Keras's <c>squeeze_or_expand_to_same_rank</c>: fixes ranks that differ by a trailing size-1 axis.</summary>
    internal static (Tensor X1, Tensor X2) SqueezeOrExpandToSameRank(Tensor x1, Tensor x2)
    {
        if (x1.Rank == x2.Rank + 1 && x1.Shape[-1] == 1)
            return x2.Rank == 1 ? (x1, Ops.ExpandDims(x2, -1)) : (Ops.Squeeze(x1, -1), x2);
        if (x2.Rank == x1.Rank + 1 && x2.Shape[-1] == 1)
            return x1.Rank == 1 ? (Ops.ExpandDims(x1, -1), x2) : (x1, Ops.Squeeze(x2, -1));
        return (x1, x2);
    }

    /// <summary>The shape-only form of <see cref="SqueezeOrExpandToSameRank"/>, for validation.</summary>
    internal static (Shape S1, Shape S2) SameRankShapes(Shape s1, Shape s2)
    {
        if (s1.Rank == s2.Rank + 1 && s1[-1] == 1)
            return s2.Rank == 1 ? (s1, new Shape([.. s2, 1])) : (new Shape(s1.ToArray()[..^1]), s2);
        if (s2.Rank == s1.Rank + 1 && s2[-1] == 1)
            return s1.Rank == 1 ? (new Shape([.. s1, 1]), s2) : (s1, new Shape(s2.ToArray()[..^1]));
        return (s1, s2);
    }

    private static bool Broadcastable(Shape a, Shape b)
    {
        for (int i = 0; i < a.Rank; i++)
            if (a[i] != b[i] && a[i] != 1 && b[i] != 1) return false;
        return true;
    }

    /// <summary>
    /// Keras's <c>reduce_weighted_values</c>: merges the mask into the weights (for the mean
    /// reductions a mask weighs valid entries by total/valid, so the mean runs over valid
    /// entries only), multiplies, then reduces.
    /// </summary>
    internal static Tensor ReduceWeighted(Tensor values, Tensor? sampleWeight, Tensor? mask, Reduction reduction)
    {
        Tensor? weight = sampleWeight is null ? null : (sampleWeight.DType == DType.Float32 ? sampleWeight : Ops.Cast(sampleWeight, DType.Float32));
        if (mask is not null)
        {
            var floatMask = mask;
            if (reduction is Reduction.SumOverBatchSize or Reduction.Mean)
            {
                float total = mask.Size;
                var valid = Ops.Sum(mask);
                // divide_no_nan(total, valid): no valid entry gives weight 0, not inf.
                var safeValid = Ops.Maximum(valid, 1f);
                floatMask = Ops.Multiply(mask, Ops.Divide(total, safeValid));
            }
            if (weight is not null)
            {
                (floatMask, weight) = SqueezeOrExpandToSameRank(floatMask, weight);
                weight = Ops.Multiply(ExpandTrailing(weight, floatMask), floatMask);
            }
            else weight = floatMask;
        }
        if (weight is not null)
        {
            (values, weight) = SqueezeOrExpandToSameRank(values, weight);
            weight = ExpandTrailing(weight, values);
            values = Ops.Multiply(values, weight);
        }
        if (reduction == Reduction.None || values.Rank == 0 || (values.Rank == 1 && values.Shape[0] == 0))
            return values;
        var sum = Ops.Sum(values);
        switch (reduction)
        {
            case Reduction.Sum:
                return sum;
            case Reduction.MeanWithSampleWeight when weight is not null:
            {
                var weights = weight.Shape == values.Shape ? Ops.Sum(weight) : Ops.Sum(Ops.BroadcastTo(weight, values.Shape));
                return DivideNoNan(sum, weights);
            }
            default:
                return values.Size == 0 ? Ops.Multiply(sum, 0f) : Ops.Divide(sum, values.Size);
        }
    }

    /// <summary>
    /// Per-sample weights (N,) against per-entry values (N, T, …): size-1 axes appended so the
    /// weight of a sample applies to all its entries (numpy's right-aligned broadcasting would
    /// pair the samples with the last axis instead).
    /// </summary>
    private static Tensor ExpandTrailing(Tensor weight, Tensor values)
    {
        while (weight.Rank < values.Rank && weight.Rank > 0 && weight.Shape[0] == values.Shape[0])
            weight = Ops.ExpandDims(weight, -1);
        return weight;
    }

    /// <summary>a / b, or 0 where b is 0 (Keras <c>divide_no_nan</c>).</summary>
    private static Tensor DivideNoNan(Tensor a, Tensor b)
    {
        var isZero = Ops.Equal(b, Ops.ZerosLike(b));
        var safe = Ops.Add(b, isZero);
        var quotient = Ops.Divide(a, safe);
        return Ops.Multiply(quotient, Ops.Subtract(1f, isZero));
    }

    /// <summary>The Keras spelling of a reduction.</summary>
    public static string ReductionName(Reduction reduction) => reduction switch
    {
        Reduction.SumOverBatchSize => "sum_over_batch_size",
        Reduction.Sum => "sum",
        Reduction.None => "none",
        Reduction.MeanWithSampleWeight => "mean_with_sample_weight",
        Reduction.Mean => "mean",
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, null),
    };

    /// <summary>Parses a Keras reduction string (null means no reduction, as in Keras).</summary>
    public static Reduction ParseReduction(string? reduction) => reduction switch
    {
        "sum_over_batch_size" or "auto" => Reduction.SumOverBatchSize,
        "sum" => Reduction.Sum,
        null or "none" => Reduction.None,
        "mean_with_sample_weight" => Reduction.MeanWithSampleWeight,
        "mean" => Reduction.Mean,
        _ => throw new ArgumentException($"Invalid value for argument `reduction`. Expected one of sum_over_batch_size, sum, none, mean, mean_with_sample_weight. Received: reduction={reduction}", nameof(reduction)),
    };

    /// <summary>Reads <c>reduction</c> from a config: absent means the default, null means none.</summary>
    internal static Reduction ReadReduction(JObject config)
    {
        var token = config["reduction"];
        if (token is null) return Reduction.SumOverBatchSize;
        return ParseReduction(token.Type == JTokenType.Null ? null : (string?)token);
    }

    /// <summary>Reads <c>name</c> from a config, or the default.</summary>
    internal static string ReadName(JObject config, string defaultName) =>
        config["name"] is { Type: JTokenType.String } n ? (string)n! : defaultName;

    /// <summary>The backend's fuzz factor, Keras <c>backend.epsilon()</c>.</summary>
    internal const float Epsilon = 1e-7f;
}
