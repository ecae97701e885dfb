using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>
/// Categorical cross-entropy against one-hot (or soft) labels (Keras
/// <c>CategoricalCrossentropy</c>: from_logits false, label_smoothing 0, axis −1). Labels are
/// smoothed as y·(1 − ls) + ls/num_classes. Probabilities are rescaled to sum to 1 along the
/// axis, clipped to [ε, 1 − ε], and the loss is −Σ y·log p. Logits along the last axis use the
/// fused <see cref="Ops.SoftmaxCrossEntropy"/>; another axis uses log-softmax.
/// </summary>
public sealed class CategoricalCrossentropy : Loss
{
    public CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0, int axis = -1,
        Reduction reduction = Reduction.SumOverBatchSize, string name = "categorical_crossentropy") : base(name, reduction)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"CategoricalCrossentropy: label_smoothing must be in [0, 1], got {labelSmoothing}.");
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
        Axis = axis;
    }

    public bool FromLogits { get; }

    public double LabelSmoothing { get; }

    public int Axis { get; }

    public override string ClassName => "CategoricalCrossentropy";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        if (yTrue.Shape != yPred.Shape)
            throw new ShapeMismatchException(Name, $"labels {yTrue.Shape} and predictions {yPred.Shape} must have the same shape; {Hint(yTrue.Shape, yPred.Shape)}");
        int axis = yPred.Shape.NormalizeAxis(Axis);
        var labels = yTrue;
        if (LabelSmoothing > 0)
        {
            int classes = yPred.Shape[axis];
            labels = Ops.Affine(yTrue, (float)(1.0 - LabelSmoothing), (float)(LabelSmoothing / classes));
        }
        if (FromLogits)
        {
            if (axis == yPred.Rank - 1) return Ops.SoftmaxCrossEntropy(yPred, labels);
            return Ops.Negate(Ops.Sum(Ops.Multiply(labels, Ops.LogSoftmax(yPred, axis)), [axis]));
        }
        var p = Ops.Divide(yPred, Ops.Sum(yPred, [axis], keepDims: true));
        p = Ops.Clip(p, Epsilon, 1f - Epsilon);
        return Ops.Negate(Ops.Sum(Ops.Multiply(labels, Ops.Log(p)), [axis]));
    }

    public override void Validate(Shape yTrue, DType yTrueType, Shape yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var (t, _) = SameRankShapes(yTrue, yPred);
        if (t == yPred) return;
        throw new ArgumentException($"{Name} expects one-hot labels of shape {yPred} but got {yTrueType.Name()} labels of shape {yTrue}; {Hint(yTrue, yPred)}");
    }

    private static string Hint(Shape yTrue, Shape yPred)
    {
        bool looksSparse = yPred.Rank >= 1 && (yTrue.Rank == yPred.Rank - 1 || (yTrue.Rank == yPred.Rank && yTrue[-1] == 1));
        return looksSparse
            ? "use sparse_categorical_crossentropy for integer labels, or one-hot encode them"
            : "labels must have one entry per class, like the predictions";
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["from_logits"] = FromLogits;
        config["label_smoothing"] = LabelSmoothing;
        config["axis"] = Axis;
        return config;
    }

    public static CategoricalCrossentropy FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new CategoricalCrossentropy(
            config.Value<bool?>("from_logits") ?? false,
            config.Value<double?>("label_smoothing") ?? 0.0,
            config.Value<int?>("axis") ?? -1,
            ReadReduction(config),
            ReadName(config, "categorical_crossentropy"));
    }
}
