using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// 1-D max pooling over (batch, steps, channels) (Keras <c>keras.layers.MaxPooling1D</c>). Keras defaults: pool_size=2, strides=None (= pool_size),
/// padding="valid", data_format="channels_last".
/// </summary>
public sealed class MaxPooling1D : BasePooling
{
    public MaxPooling1D(int[]? poolSize = null, int[]? strides = null, string padding = "valid", string? dataFormat = null, string? name = null, bool trainable = true)
        : base(1, PoolKind.Max, poolSize ?? [2], strides, padding, dataFormat, name, trainable)
    {
    }

    public override string ClassName => "MaxPooling1D";

    public static MaxPooling1D FromConfig(JObject config)
    {
        var (pool, strides, padding, dataFormat, name, trainable) = Read(config);
        return new MaxPooling1D(pool, strides, padding, dataFormat, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
