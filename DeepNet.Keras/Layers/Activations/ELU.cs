using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>Exponential linear unit (Keras <c>keras.layers.ELU</c>): x if x &gt; 0 else alpha·(exp(x) − 1). Keras default: alpha=1.0.</summary>
public sealed class ELU : Layer
{
    public ELU(float alpha = 1f, string? name = null, bool trainable = true) : base(name, trainable)
    {
        Alpha = alpha;
    }

    public override string ClassName => "ELU";

    public float Alpha { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) => Ops.Elu(inputs, Alpha);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["alpha"] = Alpha;
        return config;
    }

    public static ELU FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new ELU(LayerConfig.Get(config, "alpha", 1f), LayerConfig.Name(config), LayerConfig.Trainable(config)) { InputShape = LayerConfig.InputShape(config) };
    }
}
