using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// 1-D average pooling over (batch, steps, channels) (Keras <c>keras.layers.AveragePooling1D</c>). Keras defaults: pool_size (required in Keras 3), strides=None (= pool_size),
/// padding="valid", data_format="channels_last".
/// </summary>
public sealed class AveragePooling1D : BasePooling
{
    public AveragePooling1D(int[] poolSize, int[]? strides = null, string padding = "valid", string? dataFormat = null, string? name = null, bool trainable = true)
        : base(1, PoolKind.Average, poolSize, strides, padding, dataFormat, name, trainable)
    {
    }

    public override string ClassName => "AveragePooling1D";

    public static AveragePooling1D FromConfig(JObject config)
    {
        var (pool, strides, padding, dataFormat, name, trainable) = Read(config);
        return new AveragePooling1D(pool ?? throw new ArgumentException("AveragePooling1D needs pool_size."), strides, padding, dataFormat, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
