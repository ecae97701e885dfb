using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>mean(|y_true − y_pred|) over the last axis (Keras <c>MeanAbsoluteError</c>, name "mean_absolute_error").</summary>
public sealed class MeanAbsoluteError : Loss
{
    public MeanAbsoluteError(Reduction reduction = Reduction.SumOverBatchSize, string name = "mean_absolute_error") : base(name, reduction) { }

    public override string ClassName => "MeanAbsoluteError";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        return Ops.Mean(Ops.Abs(Ops.Subtract(yTrue, yPred)), [-1]);
    }

    public static MeanAbsoluteError FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new MeanAbsoluteError(ReadReduction(config), ReadName(config, "mean_absolute_error"));
    }
}
