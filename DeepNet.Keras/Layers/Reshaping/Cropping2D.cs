using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Removes rows and columns at the edges of an image (Keras <c>keras.layers.Cropping2D</c>).
/// Keras defaults: cropping=((0, 0), (0, 0)), data_format="channels_last".
/// </summary>
public sealed class Cropping2D : SpatialEdges
{
    /// <param name="cropping">[n], [rows, cols] or [top, bottom, left, right].</param>
    public Cropping2D(int[]? cropping = null, string? dataFormat = null, string? name = null, bool trainable = true)
        : base(2, "cropping", cropping ?? [0], dataFormat, name, trainable)
    {
    }

    public override string ClassName => "Cropping2D";

    /// <summary>(top, bottom, left, right).</summary>
    public int[] Cropping => Edges;

    private protected override bool Adds => false;

    public static Cropping2D FromConfig(JObject config)
    {
        var (edges, dataFormat, name, trainable) = Read(config, "cropping");
        return new Cropping2D(edges, dataFormat, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
