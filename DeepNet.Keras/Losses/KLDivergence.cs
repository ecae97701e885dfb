using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>Σ y_true·log(y_true / y_pred) over the last axis, both clipped to [ε, 1] (Keras <c>KLDivergence</c>, name "kl_divergence").</summary>
public sealed class KLDivergence : Loss
{
    public KLDivergence(Reduction reduction = Reduction.SumOverBatchSize, string name = "kl_divergence") : base(name, reduction) { }

    public override string ClassName => "KLDivergence";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        var t = Ops.Clip(yTrue, Epsilon, 1f);
        var p = Ops.Clip(yPred, Epsilon, 1f);
        return Ops.Sum(Ops.Multiply(t, Ops.Log(Ops.Divide(t, p))), [-1]);
    }

    public static KLDivergence FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new KLDivergence(ReadReduction(config), ReadName(config, "kl_divergence"));
    }
}
