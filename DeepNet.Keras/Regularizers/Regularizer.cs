using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Regularizers;

/// <summary>
/// A penalty on a weight added to the loss (Keras <c>keras.regularizers.Regularizer</c>):
/// <see cref="Call"/> returns a scalar tensor, differentiable through Ops.
/// </summary>
public abstract class Regularizer
{
    public abstract Tensor Call(Tensor weight);

    public abstract string ClassName { get; }

    public abstract JObject GetConfig();
}
