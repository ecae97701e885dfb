using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// 3-D max pooling over (batch, depth, rows, cols, channels) (Keras <c>keras.layers.MaxPooling3D</c>).
/// Keras defaults: pool_size=(2, 2, 2), strides=None (= pool_size), padding="valid", data_format="channels_last".
/// </summary>
public sealed class MaxPooling3D : BasePooling
{
    public MaxPooling3D(int[]? poolSize = null, int[]? strides = null, string padding = "valid", string? dataFormat = null, string? name = null, bool trainable = true)
        : base(3, PoolKind.Max, poolSize ?? [2, 2, 2], strides, padding, dataFormat, name, trainable)
    {
    }

    public override string ClassName => "MaxPooling3D";

    public static MaxPooling3D FromConfig(JObject config)
    {
        var (pool, strides, padding, dataFormat, name, trainable) = Read(config);
        return new MaxPooling3D(pool, strides, padding, dataFormat, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
