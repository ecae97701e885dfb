using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Zero planes around a volume (Keras <c>keras.layers.ZeroPadding3D</c>). Keras defaults:
/// padding=((1, 1), (1, 1), (1, 1)) (an int n pads every edge by n, three ints pad both edges of
/// each axis), data_format="channels_last".
/// </summary>
public sealed class ZeroPadding3D : SpatialEdges
{
    /// <param name="padding">[n], [d, h, w] or [front, back, top, bottom, left, right].</param>
    public ZeroPadding3D(int[]? padding = null, string? dataFormat = null, string? name = null, bool trainable = true)
        : base(3, "padding", padding ?? [1], dataFormat, name, trainable)
    {
    }

    public override string ClassName => "ZeroPadding3D";

    /// <summary>(front, back, top, bottom, left, right).</summary>
    public int[] Padding => Edges;

    private protected override bool Adds => true;

    public static ZeroPadding3D FromConfig(JObject config)
    {
        var (edges, dataFormat, name, trainable) = Read(config, "padding");
        return new ZeroPadding3D(edges, dataFormat, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
