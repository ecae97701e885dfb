using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Zero rows and columns around an image (Keras <c>keras.layers.ZeroPadding2D</c>). Keras defaults:
/// padding=((1, 1), (1, 1)) (an int n means ((n, n), (n, n)), a pair (a, b) means ((a, a), (b, b))),
/// data_format="channels_last".
/// </summary>
public sealed class ZeroPadding2D : SpatialEdges
{
    /// <param name="padding">[n], [rows, cols] or [top, bottom, left, right].</param>
    public ZeroPadding2D(int[]? padding = null, string? dataFormat = null, string? name = null, bool trainable = true)
        : base(2, "padding", padding ?? [1], dataFormat, name, trainable)
    {
    }

    public override string ClassName => "ZeroPadding2D";

    /// <summary>(top, bottom, left, right).</summary>
    public int[] Padding => Edges;

    private protected override bool Adds => true;

    public static ZeroPadding2D FromConfig(JObject config)
    {
        var (edges, dataFormat, name, trainable) = Read(config, "padding");
        return new ZeroPadding2D(edges, dataFormat, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
