using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>Multiplies elementwise its inputs (Keras <c>keras.layers.Multiply</c>). Config: base keys only.</summary>
public sealed class Multiply : Merge
{
    public Multiply(string? name = null, bool trainable = true) : base(name, trainable) { }

    public override string ClassName => "Multiply";

    protected override Tensor Combine(Tensor a, Tensor b) => Ops.Multiply(a, b);

    public static Multiply FromConfig(JObject config) => FromBase(config, (n, t) => new Multiply(n, t));
}
