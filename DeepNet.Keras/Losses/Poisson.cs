using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>mean(y_pred − y_true·log(y_pred + ε)) over the last axis (Keras <c>Poisson</c>, name "poisson").</summary>
public sealed class Poisson : Loss
{
    public Poisson(Reduction reduction = Reduction.SumOverBatchSize, string name = "poisson") : base(name, reduction) { }

    public override string ClassName => "Poisson";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        return Ops.Mean(Ops.Subtract(yPred, Ops.Multiply(yTrue, Ops.Log(Ops.Add(yPred, Epsilon)))), [-1]);
    }

    public static Poisson FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Poisson(ReadReduction(config), ReadName(config, "poisson"));
    }
}
