using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>
/// Makes the starting value of a weight (Keras <c>keras.initializers.Initializer</c>).
/// Concrete initializers live one per file beside this one and are found by Keras name through
/// the initializer registry ("glorot_uniform", "GlorotUniform", a config object).
/// </summary>
public abstract class Initializer
{
    /// <summary>A new tensor of <paramref name="shape"/> holding the initial values.</summary>
    public abstract Tensor Call(Shape shape, DType dtype = DType.Float32);

    /// <summary>The Keras class name (<c>GlorotUniform</c>).</summary>
    public abstract string ClassName { get; }

    /// <summary>Constructor arguments under Keras's key names.</summary>
    public abstract JObject GetConfig();
}
