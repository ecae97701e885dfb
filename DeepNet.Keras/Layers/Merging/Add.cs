using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>Adds its inputs (Keras <c>keras.layers.Add</c>). Config: base keys only.</summary>
public sealed class Add : Merge
{
    public Add(string? name = null, bool trainable = true) : base(name, trainable) { }

    public override string ClassName => "Add";

    protected override Tensor Combine(Tensor a, Tensor b) => Ops.Add(a, b);

    public static Add FromConfig(JObject config) => FromBase(config, (n, t) => new Add(n, t));
}
