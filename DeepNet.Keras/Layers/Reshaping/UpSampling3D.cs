using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Repeats the planes, rows and columns of a volume (Keras <c>keras.layers.UpSampling3D</c>), nearest
/// neighbour. Keras defaults: size=(2, 2, 2), data_format="channels_last".
/// </summary>
public sealed class UpSampling3D : Layer
{
    public UpSampling3D(int[]? size = null, string? dataFormat = null, string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        Size = ConvArgs.Tuple(size, 3, "size", [2]);
        DataFormat = ConvArgs.DataFormat(dataFormat);
        InputSpec = new InputSpec(ndim: 5);
    }

    public override string ClassName => "UpSampling3D";

    public int[] Size { get; }

    public string DataFormat { get; }

    private int FirstAxis => DataFormat == "channels_first" ? 2 : 1;

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var y = inputs;
        for (int i = 0; i < 3; i++)
            if (Size[i] > 1) y = Ops.Repeat(y, Size[i], FirstAxis + i);
        return ReferenceEquals(y, inputs) ? Ops.Copy(inputs) : y;
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        for (int i = 0; i < 3; i++) dims[FirstAxis + i] *= Size[i];
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["size"] = LayerConfig.ToJson(Size);
        config["data_format"] = DataFormat;
        return config;
    }

    public static UpSampling3D FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new UpSampling3D(ConvArgs.IntsOrInt(config["size"]), config.Value<string?>("data_format"), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
