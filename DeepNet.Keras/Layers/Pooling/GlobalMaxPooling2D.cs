using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Maximum over the rows and columns of (batch, rows, cols, channels) (Keras <c>keras.layers.GlobalMaxPooling2D</c>). Keras defaults: data_format="channels_last", keepdims=False.
/// </summary>
public sealed class GlobalMaxPooling2D : BaseGlobalPooling
{
    public GlobalMaxPooling2D(string? dataFormat = null, bool keepdims = false, string? name = null, bool trainable = true)
        : base(2, PoolKind.Max, dataFormat, keepdims, name, trainable)
    {
    }

    public override string ClassName => "GlobalMaxPooling2D";

    public static GlobalMaxPooling2D FromConfig(JObject config)
    {
        var (dataFormat, keepdims, name, trainable) = Read(config);
        return new GlobalMaxPooling2D(dataFormat, keepdims, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
