using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// 2-D max pooling over (batch, rows, cols, channels) (Keras <c>keras.layers.MaxPooling2D</c>). Keras defaults: pool_size=(2, 2), strides=None (= pool_size),
/// padding="valid", data_format="channels_last".
/// </summary>
public sealed class MaxPooling2D : BasePooling
{
    public MaxPooling2D(int[]? poolSize = null, int[]? strides = null, string padding = "valid", string? dataFormat = null, string? name = null, bool trainable = true)
        : base(2, PoolKind.Max, poolSize ?? [2, 2], strides, padding, dataFormat, name, trainable)
    {
    }

    public override string ClassName => "MaxPooling2D";

    public static MaxPooling2D FromConfig(JObject config)
    {
        var (pool, strides, padding, dataFormat, name, trainable) = Read(config);
        return new MaxPooling2D(pool, strides, padding, dataFormat, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
