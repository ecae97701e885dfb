using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Mean over the depth, rows and columns of (batch, depth, rows, cols, channels) (Keras <c>keras.layers.GlobalAveragePooling3D</c>). Keras defaults: data_format="channels_last", keepdims=False.
/// </summary>
public sealed class GlobalAveragePooling3D : BaseGlobalPooling
{
    public GlobalAveragePooling3D(string? dataFormat = null, bool keepdims = false, string? name = null, bool trainable = true)
        : base(3, PoolKind.Average, dataFormat, keepdims, name, trainable)
    {
    }

    public override string ClassName => "GlobalAveragePooling3D";

    public static GlobalAveragePooling3D FromConfig(JObject config)
    {
        var (dataFormat, keepdims, name, trainable) = Read(config);
        return new GlobalAveragePooling3D(dataFormat, keepdims, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
