using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Mean over the rows and columns of (batch, rows, cols, channels) (Keras <c>keras.layers.GlobalAveragePooling2D</c>). Keras defaults: data_format="channels_last", keepdims=False.
/// </summary>
public sealed class GlobalAveragePooling2D : BaseGlobalPooling
{
    public GlobalAveragePooling2D(string? dataFormat = null, bool keepdims = false, string? name = null, bool trainable = true)
        : base(2, PoolKind.Average, dataFormat, keepdims, name, trainable)
    {
    }

    public override string ClassName => "GlobalAveragePooling2D";

    public static GlobalAveragePooling2D FromConfig(JObject config)
    {
        var (dataFormat, keepdims, name, trainable) = Read(config);
        return new GlobalAveragePooling2D(dataFormat, keepdims, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
