using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Concatenates its inputs along <see cref="Axis"/> (Keras <c>keras.layers.Concatenate</c>); the
/// other axes must match. Keras default: axis=-1.
/// </summary>
public sealed class Concatenate : Layer
{
    public Concatenate(int axis = -1, string? name = null, bool trainable = true) : base(name, trainable)
    {
        Axis = axis;
    }

    public override string ClassName => "Concatenate";

    public int Axis { get; }

    public override void Build(IReadOnlyList<KerasShape> inputShapes) => ComputeOutputShape(inputShapes);

    public override Tensor[] Call(IReadOnlyList<Tensor> inputs, bool training = false) => [Ops.Concat(inputs, Axis)];

    /// <summary>
    /// Keras <c>Concatenate.compute_mask</c>: an input without a mask counts as all kept; along
    /// the feature axis a timestep is kept where any input keeps it, along an earlier axis the
    /// masks are concatenated like the values.
    /// </summary>
    public override Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks)
    {
        if (masks.All(m => m is null)) return null;
        int axis = inputs[0].Shape.NormalizeAxis(Axis);
        var filled = new Tensor[masks.Count];
        for (int i = 0; i < filled.Length; i++)
        {
            filled[i] = masks[i] ?? Tensor.Ones(new Shape(inputs[i].Shape.ToArray()[..^1]), inputs[i].Backend);
        }
        if (axis < inputs[0].Rank - 1) return Ops.Concat(filled, axis);
        var any = filled[0];
        for (int i = 1; i < filled.Length; i++) any = Ops.Maximum(any, filled[i]);
        return any;
    }

    public override KerasShape[] ComputeOutputShape(IReadOnlyList<KerasShape> inputShapes)
    {
        if (inputShapes.Count < 1)
            throw new ArgumentException($"A `Concatenate` layer should be called on a list of at least 1 input. Layer '{Name}'.");
        var first = inputShapes[0];
        int axis = first.NormalizeAxis(Axis);
        var dims = first.ToArray();
        for (int i = 1; i < inputShapes.Count; i++)
        {
            var s = inputShapes[i];
            bool ok = s.Rank == first.Rank;
            for (int d = 0; ok && d < s.Rank; d++)
            {
                if (d == axis) continue;
                if (s[d] is int x && dims[d] is int y && x != y) ok = false;
            }
            if (!ok)
                throw new ShapeMismatchException($"Layer \"{Name}\"", $"a `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape={string.Join(", ", inputShapes)}");
            dims[axis] = dims[axis] is int a && s[axis] is int b ? a + b : null;
        }
        return [new KerasShape(dims)];
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Axis;
        return config;
    }

    public static Concatenate FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new Concatenate(LayerConfig.IntOrSingleton(config, "axis", -1), LayerConfig.Name(config), LayerConfig.Trainable(config));
    }
}
