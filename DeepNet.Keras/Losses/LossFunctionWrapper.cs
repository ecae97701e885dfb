using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>
/// A loss made from a per-sample function written with Ops (Keras
/// <c>keras.losses.LossFunctionWrapper</c>): <c>new LossFunctionWrapper((t, p) =&gt;
/// Ops.Mean(Ops.Abs(Ops.Subtract(t, p)), [-1]), "my_loss")</c>. The base class adds label
/// casting, rank matching, sample weights and the reduction.
/// </summary>
public sealed class LossFunctionWrapper : Loss
{
    private readonly Func<Tensor, Tensor, Tensor> _fn;

    public LossFunctionWrapper(Func<Tensor, Tensor, Tensor> fn, string name, Reduction reduction = Reduction.SumOverBatchSize) : base(name, reduction)
    {
        ArgumentNullException.ThrowIfNull(fn);
        _fn = fn;
    }

    public override string ClassName => "LossFunctionWrapper";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred) => _fn(yTrue, yPred);

    /// <summary>A function cannot be written to JSON: the config holds the base keys only.</summary>
    public override JObject GetConfig() => base.GetConfig();
}
