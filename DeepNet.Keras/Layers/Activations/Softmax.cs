using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>Softmax along <see cref="Axis"/> (Keras <c>keras.layers.Softmax</c>). Keras default: axis=-1.</summary>
public sealed class Softmax : Layer
{
    public Softmax(int axis = -1, string? name = null, bool trainable = true) : base(name, trainable)
    {
        Axis = axis;
    }

    public override string ClassName => "Softmax";

    public int Axis { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) => Ops.Softmax(inputs, Axis);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Axis;
        return config;
    }

    public static Softmax FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new Softmax(LayerConfig.IntOrSingleton(config, "axis", -1), LayerConfig.Name(config), LayerConfig.Trainable(config)) { InputShape = LayerConfig.InputShape(config) };
    }
}
