using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>100·mean(|(y_true − y_pred) / max(|y_true|, ε)|) over the last axis (Keras <c>MeanAbsolutePercentageError</c>, name "mean_absolute_percentage_error").</summary>
public sealed class MeanAbsolutePercentageError : Loss
{
    public MeanAbsolutePercentageError(Reduction reduction = Reduction.SumOverBatchSize, string name = "mean_absolute_percentage_error") : base(name, reduction) { }

    public override string ClassName => "MeanAbsolutePercentageError";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        var diff = Ops.Abs(Ops.Divide(Ops.Subtract(yTrue, yPred), Ops.Maximum(Ops.Abs(yTrue), Epsilon)));
        return Ops.Multiply(Ops.Mean(diff, [-1]), 100f);
    }

    public static MeanAbsolutePercentageError FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new MeanAbsolutePercentageError(ReadReduction(config), ReadName(config, "mean_absolute_percentage_error"));
    }
}
