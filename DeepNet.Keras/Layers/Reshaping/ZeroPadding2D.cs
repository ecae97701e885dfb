using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Zero rows and columns around an image (Keras <c>keras.layers.ZeroPadding2D</c>). Keras defaults:
/// padding=((1, 1), (1, 1)) (an int n means ((n, n), (n, n)), a pair (a, b) means ((a, a), (b, b))),
/// data_format="channels_last".
/// </summary>
public sealed class ZeroPadding2D : Layer
{
    /// <param name="padding">[n], [rows, cols] or [top, bottom, left, right].</param>
    public ZeroPadding2D(int[]? padding = null, string? dataFormat = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        Padding = ConvArgs.Sides(padding ?? [1], 2, "padding");
        DataFormat = ConvArgs.DataFormat(dataFormat);
        InputSpec = new InputSpec(ndim: 4);
    }

    public override string ClassName => "ZeroPadding2D";

    /// <summary>(top, bottom, left, right).</summary>
    public int[] Padding { get; }

    public string DataFormat { get; }

    private int RowAxis => DataFormat == "channels_first" ? 2 : 1;

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var before = new int[4];
        var after = new int[4];
        before[RowAxis] = Padding[0];
        after[RowAxis] = Padding[1];
        before[RowAxis + 1] = Padding[2];
        after[RowAxis + 1] = Padding[3];
        return Ops.Pad(inputs, before, after);
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        dims[RowAxis] += Padding[0] + Padding[1];
        dims[RowAxis + 1] += Padding[2] + Padding[3];
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["padding"] = ConvArgs.SidesJson(Padding);
        config["data_format"] = DataFormat;
        return config;
    }

    public static ZeroPadding2D FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new ZeroPadding2D(Cropping2D.ReadPairs(config["padding"]), config.Value<string?>("data_format"), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
