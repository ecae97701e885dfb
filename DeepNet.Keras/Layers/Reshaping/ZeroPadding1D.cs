using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Zero steps at both ends of a sequence (Keras <c>keras.layers.ZeroPadding1D</c>) of shape
/// (batch, steps, features). Keras defaults: padding=1 (written (1, 1)), data_format="channels_last".
/// </summary>
public sealed class ZeroPadding1D : Layer
{
    /// <param name="padding">[n] or [left, right].</param>
    public ZeroPadding1D(int[]? padding = null, string? dataFormat = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        Padding = ConvArgs.Tuple(padding, 2, "padding", [1], allowZero: true);
        DataFormat = ConvArgs.DataFormat(dataFormat);
        InputSpec = new InputSpec(ndim: 3);
    }

    public override string ClassName => "ZeroPadding1D";

    public int[] Padding { get; }

    public string DataFormat { get; }

    private int StepAxis => DataFormat == "channels_first" ? 2 : 1;

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var before = new int[3];
        var after = new int[3];
        before[StepAxis] = Padding[0];
        after[StepAxis] = Padding[1];
        return Ops.Pad(inputs, before, after);
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        dims[StepAxis] += Padding[0] + Padding[1];
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["padding"] = LayerConfig.ToJson(Padding);
        config["data_format"] = DataFormat;
        return config;
    }

    public static ZeroPadding1D FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new ZeroPadding1D(ConvArgs.IntsOrInt(config["padding"]), config.Value<string?>("data_format"), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
