using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Regularizers;

/// <summary>
/// l1·Σ|w| + l2·Σw² (Keras <c>L1L2</c>, defaults l1 = l2 = 0.0; no ½ on the squares, so Keras
/// L2(λ) matches a PyTorch weight decay of 2λ).
/// </summary>
public class L1L2 : Regularizer
{
    public L1L2(double l1 = 0.0, double l2 = 0.0)
    {
        L1 = Validate(l1, "l1");
        L2 = Validate(l2, "l2");
    }

    public double L1 { get; }

    public double L2 { get; }

    public override string ClassName => "L1L2";

    public override Tensor Call(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        Tensor? penalty = null;
        if (L1 != 0.0) penalty = Ops.Multiply(Ops.Sum(Ops.Abs(weight)), (float)L1);
        if (L2 != 0.0)
        {
            var squares = Ops.Multiply(Ops.Sum(Ops.Square(weight)), (float)L2);
            penalty = penalty is null ? squares : Ops.Add(penalty, squares);
        }
        return penalty ?? Tensor.Scalar(0f, weight.Backend);
    }

    public override JObject GetConfig() => new() { ["l1"] = L1, ["l2"] = L2 };

    public static L1L2 FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new L1L2(config.Value<double?>("l1") ?? 0.0, config.Value<double?>("l2") ?? 0.0);
    }

    /// <summary>Keras's <c>validate_float_arg</c>: a finite, non-negative number.</summary>
    internal static double Validate(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
            throw new ArgumentOutOfRangeException(name, $"Invalid value for argument {name}: expected a non-negative float. Received: {name}={value}");
        return value;
    }
}
