using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>Returns its input unchanged (Keras <c>keras.layers.Identity</c>). Config: base keys only.</summary>
public sealed class Identity : Layer
{
    public Identity(string? name = null, bool trainable = true) : base(name, trainable) { }

    public override string ClassName => "Identity";

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) => inputs;

    public static Identity FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new Identity(LayerConfig.Name(config), LayerConfig.Trainable(config)) { InputShape = LayerConfig.InputShape(config) };
    }
}
