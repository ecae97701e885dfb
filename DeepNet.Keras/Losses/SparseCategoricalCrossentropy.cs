using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>
/// Cross-entropy against integer class labels (Keras <c>SparseCategoricalCrossentropy</c>:
/// from_logits false, ignore_class null, axis −1). Labels have the predictions' shape without
/// the class axis (or with it of size 1). Probabilities are clipped to [ε, 1 − ε] and their log
/// goes through the fused <see cref="Ops.SparseSoftmaxCrossEntropy"/>, which is
/// −log(p_y / Σp) as in Keras's TensorFlow backend. Entries whose label equals
/// <see cref="IgnoreClass"/> get loss 0 and are left out of the mean.
/// </summary>
public sealed class SparseCategoricalCrossentropy : Loss
{
    public SparseCategoricalCrossentropy(bool fromLogits = false, int? ignoreClass = null,
        Reduction reduction = Reduction.SumOverBatchSize, int axis = -1, string name = "sparse_categorical_crossentropy") : base(name, reduction)
    {
        FromLogits = fromLogits;
        IgnoreClass = ignoreClass;
        Axis = axis;
    }

    public bool FromLogits { get; }

    public int? IgnoreClass { get; }

    /// <summary>The class axis; only the last axis is supported (as in Keras's TensorFlow backend).</summary>
    public int Axis { get; }

    public override string ClassName => "SparseCategoricalCrossentropy";

    /// <summary>Integer labels stay integers; float labels are truncated to int32 (Keras casts to int).</summary>
    protected override Tensor PrepareLabels(Tensor yTrue) => yTrue.DType == DType.Float32 ? Ops.Cast(yTrue, DType.Int32) : yTrue;

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred) => ComputeWithMask(yTrue, yPred).Losses;

    /// <inheritdoc/>
    protected override (Tensor Losses, Tensor? Mask) ComputeWithMask(Tensor yTrue, Tensor yPred)
    {
        if (yPred.Rank < 1 || (Axis != -1 && Axis != yPred.Rank - 1))
            throw new ArgumentException($"{Name}: only the last axis can be the class axis; got axis={Axis} for predictions of shape {yPred.Shape}.");
        var labels = yTrue.Rank == yPred.Rank && yTrue.Shape[-1] == 1 ? Ops.Squeeze(yTrue, -1) : yTrue;
        bool fits = labels.Rank == yPred.Rank - 1;
        for (int i = 0; fits && i < labels.Rank; i++) fits = labels.Shape[i] == yPred.Shape[i];
        if (!fits)
            throw new ShapeMismatchException(Name, $"labels {yTrue.Shape} must have the shape of predictions {yPred.Shape} without the class axis; {Hint(yTrue.Shape, yPred.Shape)}");

        Tensor? valid = null;
        var predictions = yPred;
        if (IgnoreClass is int ignore)
        {
            // Ignored entries get label 0 and zero predictions, then their loss is zeroed and masked.
            var floatLabels = Ops.Cast(labels, DType.Float32);
            valid = Ops.NotEqual(floatLabels, Ops.FullLike(floatLabels, ignore));
            labels = Ops.Cast(Ops.Multiply(floatLabels, valid), labels.DType);
            predictions = Ops.Multiply(yPred, Ops.ExpandDims(valid, -1));
        }

        var logits = FromLogits ? predictions : Ops.Log(Ops.Clip(predictions, Epsilon, 1f - Epsilon));
        var losses = Ops.SparseSoftmaxCrossEntropy(logits, labels);
        if (valid is not null) losses = Ops.Multiply(losses, valid);
        return (losses, valid);
    }

    public override void Validate(Shape yTrue, DType yTrueType, Shape yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        var labels = yTrue.Rank == yPred.Rank && yTrue.Rank > 0 && yTrue[-1] == 1 ? new Shape(yTrue.ToArray()[..^1]) : yTrue;
        bool fits = yPred.Rank >= 1 && labels.Rank == yPred.Rank - 1;
        for (int i = 0; fits && i < labels.Rank; i++) fits = labels[i] == yPred[i];
        if (fits) return;
        var expected = new Shape(yPred.ToArray()[..^1]);
        throw new ArgumentException($"{Name} expects integer labels of shape {expected} (or {new Shape([.. expected, 1])}) but got {yTrueType.Name()} labels of shape {yTrue}; {Hint(yTrue, yPred)}");
    }

    private static string Hint(Shape yTrue, Shape yPred) =>
        yTrue == yPred && yPred[-1] > 1
            ? "use categorical_crossentropy for one-hot labels, or pass class indices (argmax of the one-hot labels)"
            : "pass one class index per sample";

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["from_logits"] = FromLogits;
        config["ignore_class"] = IgnoreClass is int c ? new JValue(c) : JValue.CreateNull();
        config["axis"] = Axis;
        return config;
    }

    public static SparseCategoricalCrossentropy FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new SparseCategoricalCrossentropy(
            config.Value<bool?>("from_logits") ?? false,
            config.Value<int?>("ignore_class"),
            ReadReduction(config),
            config.Value<int?>("axis") ?? -1,
            ReadName(config, "sparse_categorical_crossentropy"));
    }
}
