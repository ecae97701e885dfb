using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Shared part of ZeroPadding2D/3D and Cropping2D/3D: a number of cells before and after each
/// spatial axis, added as zeros or cropped away, and the config key that lists them as pairs.
/// </summary>
public abstract class SpatialEdges : Layer
{
    private readonly string _key;

    private protected SpatialEdges(int rank, string key, int[] edges, string? dataFormat, string? name, bool trainable)
        : base(name, trainable)
    {
        Rank = rank;
        _key = key;
        Edges = ConvArgs.Sides(edges, rank, key);
        DataFormat = ConvArgs.DataFormat(dataFormat);
        InputSpec = new InputSpec(ndim: rank + 2);
    }

    /// <summary>Number of spatial axes.</summary>
    public int Rank { get; }

    public string DataFormat { get; }

    /// <summary>(before, after) for each spatial axis, flat.</summary>
    private protected int[] Edges { get; }

    /// <summary>Whether the edges are added (padding) rather than removed (cropping).</summary>
    private protected abstract bool Adds { get; }

    private int FirstAxis => DataFormat == "channels_first" ? 2 : 1;

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var before = new int[inputs.Rank];
        var after = new int[inputs.Rank];
        for (int i = 0; i < Rank; i++)
        {
            before[FirstAxis + i] = Edges[2 * i];
            after[FirstAxis + i] = Edges[2 * i + 1];
        }
        if (Adds) return Ops.Pad(inputs, before, after);
        var size = inputs.Shape.ToArray();
        for (int a = 0; a < size.Length; a++)
        {
            size[a] -= before[a] + after[a];
            if (size[a] <= 0)
                throw new ShapeMismatchException($"Layer \"{Name}\"", $"cropping ({string.Join(", ", Edges)}) removes every cell of axis {a} of input {inputs.Shape}.");
        }
        return Ops.Slice(inputs, before, size);
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        int sign = Adds ? 1 : -1;
        for (int i = 0; i < Rank; i++) dims[FirstAxis + i] += sign * (Edges[2 * i] + Edges[2 * i + 1]);
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config[_key] = ConvArgs.SidesJson(Edges);
        config["data_format"] = DataFormat;
        return config;
    }

    /// <summary>The edges (an int, ints, or pairs, read flat), data_format, name and trainable of a config.</summary>
    internal static (int[]? Edges, string? DataFormat, string? Name, bool Trainable) Read(JObject config, string key)
    {
        LayerConfig.CheckDType(config);
        return (ReadPairs(config[key]), config.Value<string?>("data_format"), LayerConfig.Name(config), LayerConfig.Trainable(config));
    }

    private static int[]? ReadPairs(JToken? token) => token switch
    {
        null or { Type: JTokenType.Null } => null,
        JArray a when a.Count > 0 && a[0] is JArray => a.SelectMany(p => p.Select(v => v.Value<int>())).ToArray(),
        JArray a => a.Select(v => v.Value<int>()).ToArray(),
        _ => [token.Value<int>()],
    };
}
