using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>Applies an activation function (Keras <c>keras.layers.Activation</c>). Config: activation.</summary>
public sealed class Activation : Layer
{
    /// <param name="activation">A Keras activation name ("relu", "softmax", ...).</param>
    public Activation(string activation, string? name = null, bool trainable = true) : base(name, trainable)
    {
        Function = Activations.Get(activation);
    }

    public override string ClassName => "Activation";

    /// <summary>Passes its input's mask on (Keras <c>supports_masking = True</c>).</summary>
    public override bool SupportsMasking => true;

    public ActivationFunction Function { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) => Function.Call(inputs);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["activation"] = Activations.Serialize(Function);
        return config;
    }

    public static Activation FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new Activation(Activations.Get(config["activation"]).Name, LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
