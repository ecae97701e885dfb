using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>mean(log(cosh(y_pred − y_true))) over the last axis, computed as x + softplus(−2x) − log 2 so large errors do not overflow (Keras <c>LogCosh</c>, name "log_cosh").</summary>
public sealed class LogCosh : Loss
{
    public LogCosh(Reduction reduction = Reduction.SumOverBatchSize, string name = "log_cosh") : base(name, reduction) { }

    public override string ClassName => "LogCosh";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        var x = Ops.Subtract(yPred, yTrue);
        var logCosh = Ops.Add(x, Ops.Subtract(Ops.Softplus(Ops.Multiply(x, -2f)), (float)Math.Log(2.0)));
        return Ops.Mean(logCosh, [-1]);
    }

    public static LogCosh FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new LogCosh(ReadReduction(config), ReadName(config, "log_cosh"));
    }
}
