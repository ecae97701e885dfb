using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// 2-D average pooling over (batch, rows, cols, channels) (Keras <c>keras.layers.AveragePooling2D</c>). Keras defaults: pool_size (required in Keras 3), strides=None (= pool_size),
/// padding="valid", data_format="channels_last".
/// </summary>
public sealed class AveragePooling2D : BasePooling
{
    public AveragePooling2D(int[] poolSize, int[]? strides = null, string padding = "valid", string? dataFormat = null, string? name = null, bool trainable = true)
        : base(2, PoolKind.Average, poolSize, strides, padding, dataFormat, name, trainable)
    {
    }

    public override string ClassName => "AveragePooling2D";

    public static AveragePooling2D FromConfig(JObject config)
    {
        var (pool, strides, padding, dataFormat, name, trainable) = Read(config);
        return new AveragePooling2D(pool ?? throw new ArgumentException("AveragePooling2D needs pool_size."), strides, padding, dataFormat, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
