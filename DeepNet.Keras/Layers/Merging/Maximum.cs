using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>Takes the elementwise maximum of its inputs (Keras <c>keras.layers.Maximum</c>). Config: base keys only.</summary>
public sealed class Maximum : Merge
{
    public Maximum(string? name = null, bool trainable = true) : base(name, trainable) { }

    public override string ClassName => "Maximum";

    protected override Tensor Combine(Tensor a, Tensor b) => Ops.Maximum(a, b);

    public static Maximum FromConfig(JObject config) => FromBase(config, (n, t) => new Maximum(n, t));
}
