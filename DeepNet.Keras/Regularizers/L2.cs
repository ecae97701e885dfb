using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Regularizers;

/// <summary>l2·Σw² (Keras <c>L2</c>, l2 = 0.01; no ½).</summary>
public sealed class L2 : Regularizer
{
    public L2(double l2 = 0.01) => Factor = L1L2.Validate(l2, "l2");

    /// <summary>The l2 factor (Keras <c>l2</c>).</summary>
    public double Factor { get; }

    public override string ClassName => "L2";

    public override Tensor Call(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return Ops.Multiply(Ops.Sum(Ops.Square(weight)), (float)Factor);
    }

    public override JObject GetConfig() => new() { ["l2"] = Factor };

    public static L2 FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new L2(config.Value<double?>("l2") ?? 0.01);
    }
}
