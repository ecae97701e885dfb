using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>mean(max(1 − y_true·y_pred, 0)) over the last axis; labels that are all 0 or 1 are mapped to −1/1 first (Keras <c>Hinge</c>, name "hinge").</summary>
public sealed class Hinge : Loss
{
    public Hinge(Reduction reduction = Reduction.SumOverBatchSize, string name = "hinge") : base(name, reduction) { }

    public override string ClassName => "Hinge";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        var labels = HingeLabels.ToSigned(yTrue);
        return Ops.Mean(Ops.Maximum(Ops.Subtract(1f, Ops.Multiply(labels, yPred)), 0f), [-1]);
    }

    public static Hinge FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Hinge(ReadReduction(config), ReadName(config, "hinge"));
    }
}
