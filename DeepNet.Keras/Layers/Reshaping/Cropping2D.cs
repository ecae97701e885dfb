using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Removes rows and columns at the edges of an image (Keras <c>keras.layers.Cropping2D</c>).
/// Keras defaults: cropping=((0, 0), (0, 0)), data_format="channels_last".
/// </summary>
public sealed class Cropping2D : Layer
{
    /// <param name="cropping">[n], [rows, cols] or [top, bottom, left, right].</param>
    public Cropping2D(int[]? cropping = null, string? dataFormat = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        Cropping = ConvArgs.Sides(cropping ?? [0], 2, "cropping");
        DataFormat = ConvArgs.DataFormat(dataFormat);
        InputSpec = new InputSpec(ndim: 4);
    }

    public override string ClassName => "Cropping2D";

    /// <summary>(top, bottom, left, right).</summary>
    public int[] Cropping { get; }

    public string DataFormat { get; }

    private int RowAxis => DataFormat == "channels_first" ? 2 : 1;

    /// <summary>Reads an int, ints, or pairs from a config, flat.</summary>
    internal static int[]? ReadPairs(JToken? token) => token switch
    {
        null or { Type: JTokenType.Null } => null,
        JArray a when a.Count > 0 && a[0] is JArray => a.SelectMany(p => p.Select(v => v.Value<int>())).ToArray(),
        JArray a => a.Select(v => v.Value<int>()).ToArray(),
        _ => [token.Value<int>()],
    };

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var begin = new int[4];
        var size = inputs.Shape.ToArray();
        begin[RowAxis] = Cropping[0];
        size[RowAxis] -= Cropping[0] + Cropping[1];
        begin[RowAxis + 1] = Cropping[2];
        size[RowAxis + 1] -= Cropping[2] + Cropping[3];
        if (size[RowAxis] <= 0 || size[RowAxis + 1] <= 0)
            throw new ShapeMismatchException($"Layer \"{Name}\"", $"cropping ({string.Join(", ", Cropping)}) removes every row or column of input {inputs.Shape}.");
        return Ops.Slice(inputs, begin, size);
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        dims[RowAxis] -= Cropping[0] + Cropping[1];
        dims[RowAxis + 1] -= Cropping[2] + Cropping[3];
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["cropping"] = ConvArgs.SidesJson(Cropping);
        config["data_format"] = DataFormat;
        return config;
    }

    public static Cropping2D FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new Cropping2D(ReadPairs(config["cropping"]), config.Value<string?>("data_format"), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
