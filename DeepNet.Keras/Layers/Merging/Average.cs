using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>Averages its inputs elementwise (Keras <c>keras.layers.Average</c>). Config: base keys only.</summary>
public sealed class Average : Merge
{
    public Average(string? name = null, bool trainable = true) : base(name, trainable) { }

    public override string ClassName => "Average";

    protected override Tensor Combine(Tensor a, Tensor b) => Ops.Add(a, b);

    protected override Tensor Finish(Tensor result, int count) => Ops.Divide(result, count);

    public static Average FromConfig(JObject config) => FromBase(config, (n, t) => new Average(n, t));
}
