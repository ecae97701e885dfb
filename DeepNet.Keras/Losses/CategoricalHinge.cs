using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>max(max((1 − y_true)·y_pred) − Σ y_true·y_pred + 1, 0) over the last axis (Keras <c>CategoricalHinge</c>, name "categorical_hinge").</summary>
public sealed class CategoricalHinge : Loss
{
    public CategoricalHinge(Reduction reduction = Reduction.SumOverBatchSize, string name = "categorical_hinge") : base(name, reduction) { }

    public override string ClassName => "CategoricalHinge";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        var pos = Ops.Sum(Ops.Multiply(yTrue, yPred), [-1]);
        var neg = Ops.Max(Ops.Multiply(Ops.Subtract(1f, yTrue), yPred), [-1]);
        return Ops.Maximum(Ops.Add(Ops.Subtract(neg, pos), 1f), 0f);
    }

    public static CategoricalHinge FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new CategoricalHinge(ReadReduction(config), ReadName(config, "categorical_hinge"));
    }
}
