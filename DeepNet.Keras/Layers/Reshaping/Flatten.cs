using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Flattens every axis but the batch (Keras <c>keras.layers.Flatten</c>); channels_last order.
/// Keras default: data_format=None, written as "channels_last".
/// </summary>
public sealed class Flatten : Layer
{
    public Flatten(string? dataFormat = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        if (dataFormat is not null and not "channels_last")
            throw new NotSupportedException($"Flatten: only data_format=\"channels_last\" is supported. Received: data_format={dataFormat}");
        InputSpec = new InputSpec(minNdim: 1);
    }

    public override string ClassName => "Flatten";

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) =>
        inputs.Rank == 1 ? Ops.Reshape(inputs, inputs.Shape[0], 1) : Ops.Flatten(inputs);

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        int? size = 1;
        for (int i = 1; i < inputShape.Rank; i++) size = inputShape[i] is int d && size is int s ? s * d : null;
        return new KerasShape(inputShape[0], size);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["data_format"] = "channels_last";
        return config;
    }

    public static Flatten FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new Flatten(config.Value<string?>("data_format"), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
