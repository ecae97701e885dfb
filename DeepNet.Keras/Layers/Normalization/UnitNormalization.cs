using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Scales each sample to unit L2 norm over <see cref="Axis"/> (Keras <c>keras.layers.UnitNormalization</c>):
/// x / √max(Σ x², 1e-12). Keras default: axis=-1.
/// </summary>
public sealed class UnitNormalization : Layer
{
    public UnitNormalization(int[]? axis = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        Axis = axis is null ? [-1] : (int[])axis.Clone();
        if (Axis.Length == 0) throw new ArgumentException("UnitNormalization needs at least one axis.", nameof(axis));
    }

    public override string ClassName => "UnitNormalization";

    public int[] Axis { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var squares = Ops.Sum(Ops.Square(inputs), Axis, keepDims: true);
        return Ops.Multiply(inputs, Ops.Rsqrt(Ops.Maximum(squares, 1e-12f)));
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Axis.Length == 1 ? Axis[0] : LayerConfig.ToJson(Axis);
        return config;
    }

    public static UnitNormalization FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new UnitNormalization(ConvArgs.IntsOrInt(config["axis"]), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
