using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>mean((y_true − y_pred)²) over the last axis (Keras <c>MeanSquaredError</c>, name "mean_squared_error").</summary>
public sealed class MeanSquaredError : Loss
{
    public MeanSquaredError(Reduction reduction = Reduction.SumOverBatchSize, string name = "mean_squared_error") : base(name, reduction) { }

    public override string ClassName => "MeanSquaredError";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        return Ops.Mean(Ops.Square(Ops.Subtract(yTrue, yPred)), [-1]);
    }

    public static MeanSquaredError FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new MeanSquaredError(ReadReduction(config), ReadName(config, "mean_squared_error"));
    }
}
