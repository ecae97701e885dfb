using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Reshapes each sample to <see cref="TargetShape"/> (Keras <c>keras.layers.Reshape</c>); one
/// entry may be -1 and is inferred. Config: target_shape.
/// </summary>
public sealed class Reshape : Layer
{
    public Reshape(int[] targetShape, string? name = null, bool trainable = true) : base(name, trainable)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        if (targetShape.Count(d => d == -1) > 1 || targetShape.Any(d => d < -1 || d == 0))
            throw new ArgumentException($"Reshape: target_shape must hold positive sizes and at most one -1. Received: target_shape=({string.Join(", ", targetShape)})", nameof(targetShape));
        TargetShape = (int[])targetShape.Clone();
    }

    public override string ClassName => "Reshape";

    public int[] TargetShape { get; }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) =>
        Ops.Reshape(inputs, [inputs.Shape[0], .. TargetShape]);

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = new int?[TargetShape.Length + 1];
        dims[0] = inputShape[0];
        long known = 1;
        int unknown = -1;
        for (int i = 0; i < TargetShape.Length; i++)
        {
            if (TargetShape[i] == -1) unknown = i;
            else
            {
                dims[i + 1] = TargetShape[i];
                known *= TargetShape[i];
            }
        }
        long? total = 1;
        for (int i = 1; i < inputShape.Rank; i++) total = inputShape[i] is int d && total is long t ? t * d : null;
        if (unknown >= 0)
        {
            if (total is long t)
            {
                if (t % known != 0) throw new ShapeMismatchException($"Layer \"{Name}\"", $"cannot reshape input {inputShape} to target shape ({string.Join(", ", TargetShape)}).");
                dims[unknown + 1] = (int)(t / known);
            }
        }
        else if (total is long t && t != known)
            throw new ShapeMismatchException($"Layer \"{Name}\"", $"total size of the input {inputShape} ({t} per sample) does not match target shape ({string.Join(", ", TargetShape)}) ({known}).");
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["target_shape"] = LayerConfig.ToJson(TargetShape);
        return config;
    }

    public static Reshape FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new Reshape(LayerConfig.IntArray(config, "target_shape") ?? throw new ArgumentException("Reshape config needs target_shape."), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
