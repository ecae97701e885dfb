using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Repeats each step of a sequence (Keras <c>keras.layers.UpSampling1D</c>) of shape
/// (batch, steps, features). Keras default: size=2.
/// </summary>
public sealed class UpSampling1D : Layer
{
    public UpSampling1D(int size = 2, string? name = null, bool trainable = true) : base(name, trainable)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), $"`size` must be a positive integer. Received: size={size}");
        Size = size;
        InputSpec = new InputSpec(ndim: 3);
    }

    public override string ClassName => "UpSampling1D";

    public int Size { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        int n = inputs.Shape[0], steps = inputs.Shape[1], c = inputs.Shape[2];
        var expanded = Ops.Reshape(inputs, n, steps, 1, c);
        var tiled = Ops.Tile(expanded, 1, 1, Size, 1);
        return Ops.Reshape(tiled, n, steps * Size, c);
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        dims[1] *= Size;
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["size"] = Size;
        return config;
    }

    public static UpSampling1D FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new UpSampling1D(LayerConfig.IntOrSingleton(config, "size", 2), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
