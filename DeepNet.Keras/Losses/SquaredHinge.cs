using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>mean(max(1 − y_true·y_pred, 0)²) over the last axis; labels that are all 0 or 1 are mapped to −1/1 first (Keras <c>SquaredHinge</c>, name "squared_hinge").</summary>
public sealed class SquaredHinge : Loss
{
    public SquaredHinge(Reduction reduction = Reduction.SumOverBatchSize, string name = "squared_hinge") : base(name, reduction) { }

    public override string ClassName => "SquaredHinge";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        var labels = HingeLabels.ToSigned(yTrue);
        return Ops.Mean(Ops.Square(Ops.Maximum(Ops.Subtract(1f, Ops.Multiply(labels, yPred)), 0f)), [-1]);
    }

    public static SquaredHinge FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new SquaredHinge(ReadReduction(config), ReadName(config, "squared_hinge"));
    }
}
