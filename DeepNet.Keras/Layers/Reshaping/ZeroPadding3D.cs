using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Zero planes around a volume (Keras <c>keras.layers.ZeroPadding3D</c>). Keras defaults:
/// padding=((1, 1), (1, 1), (1, 1)) (an int n pads every edge by n, three ints pad both edges of
/// each axis), data_format="channels_last".
/// </summary>
public sealed class ZeroPadding3D : Layer
{
    /// <param name="padding">[n], [d, h, w] or [front, back, top, bottom, left, right].</param>
    public ZeroPadding3D(int[]? padding = null, string? dataFormat = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        Padding = ConvArgs.Sides(padding ?? [1], 3, "padding");
        DataFormat = ConvArgs.DataFormat(dataFormat);
        InputSpec = new InputSpec(ndim: 5);
    }

    public override string ClassName => "ZeroPadding3D";

    /// <summary>(front, back, top, bottom, left, right).</summary>
    public int[] Padding { get; }

    public string DataFormat { get; }

    private int FirstAxis => DataFormat == "channels_first" ? 2 : 1;

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var before = new int[5];
        var after = new int[5];
        for (int i = 0; i < 3; i++)
        {
            before[FirstAxis + i] = Padding[2 * i];
            after[FirstAxis + i] = Padding[2 * i + 1];
        }
        return Ops.Pad(inputs, before, after);
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        for (int i = 0; i < 3; i++) dims[FirstAxis + i] += Padding[2 * i] + Padding[2 * i + 1];
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["padding"] = ConvArgs.SidesJson(Padding);
        config["data_format"] = DataFormat;
        return config;
    }

    public static ZeroPadding3D FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new ZeroPadding3D(Cropping2D.ReadPairs(config["padding"]), config.Value<string?>("data_format"), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
