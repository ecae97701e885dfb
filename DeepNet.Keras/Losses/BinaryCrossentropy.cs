using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>
/// Binary cross-entropy (Keras <c>BinaryCrossentropy</c>: from_logits false, label_smoothing 0,
/// axis −1), averaged over <see cref="Axis"/>. Labels are smoothed towards ½:
/// y·(1 − ls) + ½·ls. Probabilities are clipped to [ε, 1 − ε] and the loss is
/// −[y·log p + (1 − y)·log(1 − p)] (the Keras 3 form: no ε inside the logs). Logits use the
/// stable form max(x, 0) − x·y + log(1 + e^−|x|).
/// </summary>
public sealed class BinaryCrossentropy : Loss
{
    public BinaryCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0, int axis = -1,
        Reduction reduction = Reduction.SumOverBatchSize, string name = "binary_crossentropy") : base(name, reduction)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"BinaryCrossentropy: label_smoothing must be in [0, 1], got {labelSmoothing}.");
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
        Axis = axis;
    }

    public bool FromLogits { get; }

    public double LabelSmoothing { get; }

    public int Axis { get; }

    public override string ClassName => "BinaryCrossentropy";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        if (yTrue.Shape != yPred.Shape)
            throw new ShapeMismatchException(Name, $"labels {yTrue.Shape} and predictions {yPred.Shape} must have the same shape.");
        var labels = LabelSmoothing > 0
            ? Ops.Affine(yTrue, (float)(1.0 - LabelSmoothing), (float)(0.5 * LabelSmoothing))
            : yTrue;
        if (!FromLogits && Ops.TryGetSigmoidLogits(yPred, out var logits))
            return Ops.Mean(Elementwise(labels, logits, fromLogits: true), [Axis]); // as Keras's TensorFlow backend: no clipping
        return Ops.Mean(Elementwise(labels, yPred, FromLogits), [Axis]);
    }

    /// <summary>The per-element binary cross-entropy, before the mean over the axis.</summary>
    internal static Tensor Elementwise(Tensor labels, Tensor yPred, bool fromLogits)
    {
        if (fromLogits)
        {
            // max(x, 0) − x·y + log1p(exp(−|x|)): never exponentiates a large positive number.
            var relu = Ops.Maximum(yPred, 0f);
            var softTerm = Ops.Log1p(Ops.Exp(Ops.Negate(Ops.Abs(yPred))));
            return Ops.Add(Ops.Subtract(relu, Ops.Multiply(yPred, labels)), softTerm);
        }
        var p = Ops.Clip(yPred, Epsilon, 1f - Epsilon);
        var positive = Ops.Multiply(labels, Ops.Log(p));
        var negative = Ops.Multiply(Ops.Subtract(1f, labels), Ops.Log(Ops.Subtract(1f, p)));
        return Ops.Negate(Ops.Add(positive, negative));
    }

    public override void Validate(Shape yTrue, DType yTrueType, Shape yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (t, p) = SameRankShapes(yTrue, yPred);
        if (t == p) return;
        string hint = yPred.Rank >= 1 && yPred[-1] > 1 && t.Rank < p.Rank + 1 && (t.Rank == p.Rank - 1 || (t.Rank == p.Rank && t[-1] == 1))
            ? "; for integer class labels with several classes use sparse_categorical_crossentropy"
            : "";
        throw new ArgumentException($"{Name} expects labels of the predictions' shape {yPred} but got {yTrueType.Name()} labels of shape {yTrue}{hint}.");
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["from_logits"] = FromLogits;
        config["label_smoothing"] = LabelSmoothing;
        config["axis"] = Axis;
        return config;
    }

    public static BinaryCrossentropy FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new BinaryCrossentropy(
            config.Value<bool?>("from_logits") ?? false,
            config.Value<double?>("label_smoothing") ?? 0.0,
            config.Value<int?>("axis") ?? -1,
            ReadReduction(config),
            ReadName(config, "binary_crossentropy"));
    }
}
