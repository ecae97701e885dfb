using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>All zeros (Keras <c>Zeros</c>).</summary>
public sealed class Zeros : Initializer
{
    public override string ClassName => "Zeros";

    public override Tensor Call(Shape shape, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return Tensor.Zeros(shape, dtype);
    }

    public override JObject GetConfig() => new();

    public static Zeros FromConfig(JObject config) => new();
}
