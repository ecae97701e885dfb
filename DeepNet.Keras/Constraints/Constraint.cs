using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Constraints;

/// <summary>
/// A projection applied to a weight after each optimizer step (Keras
/// <c>keras.constraints.Constraint</c>): returns the constrained value.
/// </summary>
public abstract class Constraint
{
    public abstract Tensor Call(Tensor weight);

    public abstract string ClassName { get; }

    public abstract JObject GetConfig();
}
