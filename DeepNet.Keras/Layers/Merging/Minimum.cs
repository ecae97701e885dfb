using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>Takes the elementwise minimum of its inputs (Keras <c>keras.layers.Minimum</c>). Config: base keys only.</summary>
public sealed class Minimum : Merge
{
    public Minimum(string? name = null, bool trainable = true) : base(name, trainable) { }

    public override string ClassName => "Minimum";

    protected override Tensor Combine(Tensor a, Tensor b) => Ops.Minimum(a, b);

    public static Minimum FromConfig(JObject config) => FromBase(config, (n, t) => new Minimum(n, t));
}
