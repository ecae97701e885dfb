using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Maximum over the steps of (batch, steps, channels) (Keras <c>keras.layers.GlobalMaxPooling1D</c>). Keras defaults: data_format="channels_last", keepdims=False.
/// </summary>
public sealed class GlobalMaxPooling1D : BaseGlobalPooling
{
    public GlobalMaxPooling1D(string? dataFormat = null, bool keepdims = false, string? name = null, bool trainable = true)
        : base(1, PoolKind.Max, dataFormat, keepdims, name, trainable)
    {
    }

    public override string ClassName => "GlobalMaxPooling1D";

    public static GlobalMaxPooling1D FromConfig(JObject config)
    {
        var (dataFormat, keepdims, name, trainable) = Read(config);
        return new GlobalMaxPooling1D(dataFormat, keepdims, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
