using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Removes planes at the edges of a volume (Keras <c>keras.layers.Cropping3D</c>). Keras defaults:
/// cropping=((1, 1), (1, 1), (1, 1)), data_format="channels_last".
/// </summary>
public sealed class Cropping3D : SpatialEdges
{
    /// <param name="cropping">[n], [d, h, w] or [front, back, top, bottom, left, right].</param>
    public Cropping3D(int[]? cropping = null, string? dataFormat = null, string? name = null, bool trainable = true)
        : base(3, "cropping", cropping ?? [1], dataFormat, name, trainable)
    {
    }

    public override string ClassName => "Cropping3D";

    /// <summary>(front, back, top, bottom, left, right).</summary>
    public int[] Cropping => Edges;

    private protected override bool Adds => false;

    public static Cropping3D FromConfig(JObject config)
    {
        var (edges, dataFormat, name, trainable) = Read(config, "cropping");
        return new Cropping3D(edges, dataFormat, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
