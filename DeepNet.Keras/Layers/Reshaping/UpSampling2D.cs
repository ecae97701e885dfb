using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Enlarges an image by whole factors (Keras <c>keras.layers.UpSampling2D</c>): "nearest" repeats
/// rows and columns; "bilinear" interpolates as TensorFlow's image resize does (half-pixel
/// centres, edge cells clamped). Keras defaults: size=(2, 2), data_format="channels_last",
/// interpolation="nearest". The other Keras interpolations (bicubic, lanczos3/5, area) are not implemented.
/// </summary>
public sealed class UpSampling2D : Layer
{
    public UpSampling2D(int[]? size = null, string? dataFormat = null, string interpolation = "nearest", string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        Size = ConvArgs.Tuple(size, 2, "size", [2]);
        DataFormat = ConvArgs.DataFormat(dataFormat);
        if (interpolation != "nearest" && interpolation != "bilinear")
            throw new NotSupportedException($"UpSampling2D: interpolation \"{interpolation}\" is not supported; only \"nearest\" and \"bilinear\" are.");
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
        Tensor y;
        if (Interpolation == "bilinear")
        {
            y = Linear(Linear(x, 1, Size[0]), 2, Size[1]);
        }
        else
        {
            int n = x.Shape[0], h = x.Shape[1], w = x.Shape[2], c = x.Shape[3];
            // Nearest neighbour: every cell becomes a size[0] × size[1] block.
            var expanded = Ops.Reshape(x, n, h, 1, w, 1, c);
            var tiled = Ops.Tile(expanded, 1, 1, Size[0], 1, Size[1], 1);
            y = Ops.Reshape(tiled, n, h * Size[0], w * Size[1], c);
        }
        return ChannelsFirst ? ConvArgs.ToChannelsFirst(y) : y;
    }

    /// <summary>
    /// Linear interpolation along <paramref name="axis"/> to <paramref name="factor"/> times its
    /// length: output cell o reads source position (o + ½)/factor − ½ between the cells floor and
    /// ceil of it, both clamped into the input (TensorFlow's half_pixel_centers rule).
    /// </summary>
    private static Tensor Linear(Tensor x, int axis, int factor)
    {
        if (factor == 1) return x;
        int length = x.Shape[axis], outLength = length * factor;
        var lower = new int[outLength];
        var upper = new int[outLength];
        var fraction = new float[outLength];
        for (int o = 0; o < outLength; o++)
        {
            double source = (o + 0.5) / factor - 0.5, floor = Math.Floor(source);
            lower[o] = Math.Max((int)floor, 0);
            upper[o] = Math.Min((int)Math.Ceiling(source), length - 1);
            fraction[o] = (float)(source - floor);
        }
        var weightShape = Enumerable.Repeat(1, x.Rank).ToArray();
        weightShape[axis] = outLength;
        // Not disposed here: the gathers' gradients read the indices later; the scope frees them.
        var low = Ops.Gather(x, Tensor.FromArray(lower, backend: x.Backend), axis);
        var high = Ops.Gather(x, Tensor.FromArray(upper, backend: x.Backend), axis);
        var weight = Tensor.FromArray(fraction, new Shape(weightShape), x.Backend);
        return Ops.Add(low, Ops.Multiply(Ops.Subtract(high, low), weight));
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
