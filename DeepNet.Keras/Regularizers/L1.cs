using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Regularizers;

/// <summary>l1·Σ|w| (Keras <c>L1</c>, l1 = 0.01).</summary>
public sealed class L1 : Regularizer
{
    public L1(double l1 = 0.01) => Factor = L1L2.Validate(l1, "l1");

    /// <summary>The l1 factor (Keras <c>l1</c>).</summary>
    public double Factor { get; }

    public override string ClassName => "L1";

    public override Tensor Call(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return Ops.Multiply(Ops.Sum(Ops.Abs(weight)), (float)Factor);
    }

    public override JObject GetConfig() => new() { ["l1"] = Factor };

    public static L1 FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new L1(config.Value<double?>("l1") ?? 0.01);
    }
}
