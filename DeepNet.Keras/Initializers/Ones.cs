using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>All ones (Keras <c>Ones</c>).</summary>
public sealed class Ones : Initializer
{
    public override string ClassName => "Ones";

    public override Tensor Call(Shape shape, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var t = Tensor.Empty(shape, dtype);
        t.Backend.Fill(t, 1f);
        return t;
    }

    public override JObject GetConfig() => new();

    public static Ones FromConfig(JObject config) => new();
}
