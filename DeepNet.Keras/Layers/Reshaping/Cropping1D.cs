using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Removes steps at both ends of a sequence (Keras <c>keras.layers.Cropping1D</c>) of shape
/// (batch, steps, features). Keras default: cropping=(1, 1).
/// </summary>
public sealed class Cropping1D : Layer
{
    /// <param name="cropping">[n] or [start, end].</param>
    public Cropping1D(int[]? cropping = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        Cropping = ConvArgs.Tuple(cropping, 2, "cropping", [1], allowZero: true);
        InputSpec = new InputSpec(ndim: 3);
    }

    public override string ClassName => "Cropping1D";

    public int[] Cropping { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        int steps = inputs.Shape[1] - Cropping[0] - Cropping[1];
        if (steps <= 0)
            throw new ShapeMismatchException($"Layer \"{Name}\"", $"cropping ({Cropping[0]}, {Cropping[1]}) removes every step of input {inputs.Shape}.");
        return Ops.Slice(inputs, [0, Cropping[0], 0], [inputs.Shape[0], steps, inputs.Shape[2]]);
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        dims[1] -= Cropping[0] + Cropping[1];
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["cropping"] = LayerConfig.ToJson(Cropping);
        return config;
    }

    public static Cropping1D FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new Cropping1D(ConvArgs.IntsOrInt(config["cropping"]), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
