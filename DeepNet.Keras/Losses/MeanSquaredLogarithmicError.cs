using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>mean((log(max(y_pred, ε) + 1) − log(max(y_true, ε) + 1))²) over the last axis (Keras <c>MeanSquaredLogarithmicError</c>, name "mean_squared_logarithmic_error").</summary>
public sealed class MeanSquaredLogarithmicError : Loss
{
    public MeanSquaredLogarithmicError(Reduction reduction = Reduction.SumOverBatchSize, string name = "mean_squared_logarithmic_error") : base(name, reduction) { }

    public override string ClassName => "MeanSquaredLogarithmicError";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        var first = Ops.Log(Ops.Add(Ops.Maximum(yPred, Epsilon), 1f));
        var second = Ops.Log(Ops.Add(Ops.Maximum(yTrue, Epsilon), 1f));
        return Ops.Mean(Ops.Square(Ops.Subtract(first, second)), [-1]);
    }

    public static MeanSquaredLogarithmicError FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new MeanSquaredLogarithmicError(ReadReduction(config), ReadName(config, "mean_squared_logarithmic_error"));
    }
}
