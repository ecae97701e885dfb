using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Maximum over the depth, rows and columns of (batch, depth, rows, cols, channels) (Keras <c>keras.layers.GlobalMaxPooling3D</c>). Keras defaults: data_format="channels_last", keepdims=False.
/// </summary>
public sealed class GlobalMaxPooling3D : BaseGlobalPooling
{
    public GlobalMaxPooling3D(string? dataFormat = null, bool keepdims = false, string? name = null, bool trainable = true)
        : base(3, PoolKind.Max, dataFormat, keepdims, name, trainable)
    {
    }

    public override string ClassName => "GlobalMaxPooling3D";

    public static GlobalMaxPooling3D FromConfig(JObject config)
    {
        var (dataFormat, keepdims, name, trainable) = Read(config);
        return new GlobalMaxPooling3D(dataFormat, keepdims, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
