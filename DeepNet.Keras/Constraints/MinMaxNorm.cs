using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Constraints;

/// <summary>
/// Moves the L2 norm of each slice along <see cref="Axis"/> into [min, max] (Keras
/// <c>MinMaxNorm</c>: min_value 0.0, max_value 1.0, rate 1.0, axis 0):
/// desired = rate·clip(‖w‖, min, max) + (1 − rate)·‖w‖, then w · desired / (ε + ‖w‖).
/// </summary>
public sealed class MinMaxNorm : Constraint
{
    public MinMaxNorm(double minValue = 0.0, double maxValue = 1.0, double rate = 1.0, int axis = 0)
    {
        if (!(maxValue >= minValue))
            throw new ArgumentOutOfRangeException(nameof(maxValue), $"MinMaxNorm: max_value ({maxValue}) must be at least min_value ({minValue}).");
        MinValue = minValue;
        MaxValue = maxValue;
        Rate = rate;
        Axis = axis;
    }

    public double MinValue { get; }

    public double MaxValue { get; }

    public double Rate { get; }

    public int Axis { get; }

    public override string ClassName => "MinMaxNorm";

    public override Tensor Call(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var norms = NormConstraint.Norms(weight, Axis);
        var clipped = Ops.Clip(norms, (float)MinValue, (float)MaxValue);
        var desired = Ops.Add(Ops.Multiply(clipped, (float)Rate), Ops.Multiply(norms, (float)(1.0 - Rate)));
        return NormConstraint.Rescale(weight, norms, desired);
    }

    public override JObject GetConfig() => new()
    {
        ["min_value"] = MinValue,
        ["max_value"] = MaxValue,
        ["rate"] = Rate,
        ["axis"] = Axis,
    };

    public static MinMaxNorm FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new MinMaxNorm(config.Value<double?>("min_value") ?? 0.0, config.Value<double?>("max_value") ?? 1.0,
            config.Value<double?>("rate") ?? 1.0, config.Value<int?>("axis") ?? 0);
    }
}
