using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Constraints;

/// <summary>
/// Caps the L2 norm of each slice along <see cref="Axis"/> (Keras <c>MaxNorm</c>, max_value 2,
/// axis 0: each column of a Dense kernel): w · clip(‖w‖, 0, max) / (ε + ‖w‖).
/// </summary>
public sealed class MaxNorm : Constraint
{
    public MaxNorm(double maxValue = 2, int axis = 0)
    {
        MaxValue = maxValue;
        Axis = axis;
    }

    public double MaxValue { get; }

    public int Axis { get; }

    public override string ClassName => "MaxNorm";

    public override Tensor Call(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var norms = NormConstraint.Norms(weight, Axis);
        var desired = Ops.Clip(norms, 0f, (float)MaxValue);
        return NormConstraint.Rescale(weight, norms, desired);
    }

    // Keras's default max_value is the integer 2; keep whole numbers integral in JSON.
    public override JObject GetConfig() => new()
    {
        ["max_value"] = MaxValue == Math.Floor(MaxValue) && Math.Abs(MaxValue) < int.MaxValue ? new JValue((long)MaxValue) : new JValue(MaxValue),
        ["axis"] = Axis,
    };

    public static MaxNorm FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new MaxNorm(config.Value<double?>("max_value") ?? 2, config.Value<int?>("axis") ?? 0);
    }
}
