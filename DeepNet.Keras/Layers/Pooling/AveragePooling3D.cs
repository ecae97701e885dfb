using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// 3-D average pooling over (batch, depth, rows, cols, channels) (Keras <c>keras.layers.AveragePooling3D</c>).
/// Keras defaults: pool_size (required in Keras 3), strides=None (= pool_size), padding="valid",
/// data_format="channels_last". With "same" padding each window divides by its cells inside the input.
/// </summary>
public sealed class AveragePooling3D : BasePooling
{
    public AveragePooling3D(int[] poolSize, int[]? strides = null, string padding = "valid", string? dataFormat = null, string? name = null, bool trainable = true)
        : base(3, PoolKind.Average, poolSize, strides, padding, dataFormat, name, trainable)
    {
    }

    public override string ClassName => "AveragePooling3D";

    public static AveragePooling3D FromConfig(JObject config)
    {
        var (pool, strides, padding, dataFormat, name, trainable) = Read(config);
        return new AveragePooling3D(pool ?? throw new ArgumentException("AveragePooling3D needs pool_size."), strides, padding, dataFormat, name, trainable) { InputShape = LayerConfig.InputShape(config) };
    }
}
