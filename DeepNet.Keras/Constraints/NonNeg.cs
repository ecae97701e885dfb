using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Constraints;

/// <summary>Sets negative weights to zero (Keras <c>NonNeg</c>).</summary>
public sealed class NonNeg : Constraint
{
    public override string ClassName => "NonNeg";

    public override Tensor Call(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return Ops.Maximum(weight, 0f);
    }

    public override JObject GetConfig() => new();

    public static NonNeg FromConfig(JObject config) => new();
}
