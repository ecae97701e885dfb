using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Repeats the rows and columns of an image (Keras <c>keras.layers.UpSampling2D</c>). Keras defaults:
/// size=(2, 2), data_format="channels_last", interpolation="nearest". Only "nearest" is implemented.
/// </summary>
public sealed class UpSampling2D : Layer
{
    public UpSampling2D(int[]? size = null, string? dataFormat = null, string interpolation = "nearest", string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        Size = ConvArgs.Tuple(size, 2, "size", [2]);
        DataFormat = ConvArgs.DataFormat(dataFormat);
        if (interpolation != "nearest")
            throw new NotSupportedException($"UpSampling2D: interpolation \"{interpolation}\" is not supported; only \"nearest\" is.");
        Interpolation = interpolation;
        InputSpec = new InputSpec(ndim: 4);
    }

    public override string ClassName => "UpSampling2D";

    public int[] Size { get; }

    public string DataFormat { get; }

    public string Interpolation { get; }

    private bool ChannelsFirst => DataFormat == "channels_first";

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var x = ChannelsFirst ? ConvArgs.ToChannelsLast(inputs) : inputs;
        int n = x.Shape[0], h = x.Shape[1], w = x.Shape[2], c = x.Shape[3];
        // Nearest neighbour: every cell becomes a size[0] × size[1] block.
        var expanded = Ops.Reshape(x, n, h, 1, w, 1, c);
        var tiled = Ops.Tile(expanded, 1, 1, Size[0], 1, Size[1], 1);
        var y = Ops.Reshape(tiled, n, h * Size[0], w * Size[1], c);
        return ChannelsFirst ? ConvArgs.ToChannelsFirst(y) : y;
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        int first = ChannelsFirst ? 2 : 1;
        dims[first] *= Size[0];
        dims[first + 1] *= Size[1];
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["size"] = LayerConfig.ToJson(Size);
        config["data_format"] = DataFormat;
        config["interpolation"] = Interpolation;
        return config;
    }

    public static UpSampling2D FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new UpSampling2D(ConvArgs.IntsOrInt(config["size"]), config.Value<string?>("data_format"), LayerConfig.Get(config, "interpolation", "nearest"),
            LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
