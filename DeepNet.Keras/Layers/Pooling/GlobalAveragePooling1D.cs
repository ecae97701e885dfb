using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Mean over the steps of (batch, steps, channels) (Keras <c>keras.layers.GlobalAveragePooling1D</c>). Keras defaults: data_format="channels_last", keepdims=False.
/// </summary>
public sealed class GlobalAveragePooling1D : BaseGlobalPooling
{
    public GlobalAveragePooling1D(string? dataFormat = null, bool keepdims = false, string? name = null, bool trainable = true)
        : base(1, PoolKind.Average, dataFormat, keepdims, name, trainable)
    {
    }

    public override string ClassName => "GlobalAveragePooling1D";

    public static GlobalAveragePooling1D FromConfig(JObject config)
    {
        var (dataFormat, keepdims, name, trainable) = Read(config);
        return new GlobalAveragePooling1D(dataFormat, keepdims, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
