using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Removes planes at the edges of a volume (Keras <c>keras.layers.Cropping3D</c>). Keras defaults:
/// cropping=((1, 1), (1, 1), (1, 1)), data_format="channels_last".
/// </summary>
public sealed class Cropping3D : Layer
{
    /// <param name="cropping">[n], [d, h, w] or [front, back, top, bottom, left, right].</param>
    public Cropping3D(int[]? cropping = null, string? dataFormat = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        Cropping = ConvArgs.Sides(cropping ?? [1], 3, "cropping");
        DataFormat = ConvArgs.DataFormat(dataFormat);
        InputSpec = new InputSpec(ndim: 5);
    }

    public override string ClassName => "Cropping3D";

    /// <summary>(front, back, top, bottom, left, right).</summary>
    public int[] Cropping { get; }

    public string DataFormat { get; }

    private int FirstAxis => DataFormat == "channels_first" ? 2 : 1;

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var begin = new int[5];
        var size = inputs.Shape.ToArray();
        for (int i = 0; i < 3; i++)
        {
            begin[FirstAxis + i] = Cropping[2 * i];
            size[FirstAxis + i] -= Cropping[2 * i] + Cropping[2 * i + 1];
            if (size[FirstAxis + i] <= 0)
                throw new ShapeMismatchException($"Layer \"{Name}\"", $"cropping ({string.Join(", ", Cropping)}) removes every cell of spatial axis {i} of input {inputs.Shape}.");
        }
        return Ops.Slice(inputs, begin, size);
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        for (int i = 0; i < 3; i++) dims[FirstAxis + i] -= Cropping[2 * i] + Cropping[2 * i + 1];
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["cropping"] = ConvArgs.SidesJson(Cropping);
        config["data_format"] = DataFormat;
        return config;
    }

    public static Cropping3D FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new Cropping3D(Cropping2D.ReadPairs(config["cropping"]), config.Value<string?>("data_format"), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
