using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Constraints;

/// <summary>Scales each slice along <see cref="Axis"/> to unit L2 norm (Keras <c>UnitNorm</c>, axis 0): w / (ε + ‖w‖).</summary>
public sealed class UnitNorm : Constraint
{
    public UnitNorm(int axis = 0) => Axis = axis;

    public int Axis { get; }

    public override string ClassName => "UnitNorm";

    public override Tensor Call(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var norms = NormConstraint.Norms(weight, Axis);
        return Ops.Divide(weight, Ops.Add(norms, NormConstraint.Epsilon));
    }

    public override JObject GetConfig() => new() { ["axis"] = Axis };

    public static UnitNorm FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new UnitNorm(config.Value<int?>("axis") ?? 0);
    }
}
