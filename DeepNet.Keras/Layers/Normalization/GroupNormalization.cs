using DeepNet.Keras.Constraints;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Group normalization (Keras <c>keras.layers.GroupNormalization</c>): the channels of
/// <see cref="Axis"/> are split into <see cref="Groups"/> consecutive groups and each sample is
/// normalised within each group over every other non-batch axis, then γ·x̂ + β per channel.
/// groups=-1 makes one group per channel (instance normalization). Keras defaults: groups=32,
/// axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros", gamma_initializer="ones".
/// </summary>
public sealed class GroupNormalization : AffineNormalization
{
    private int _axis;     // positive, after build
    private int _groups;   // groups with -1 resolved, after build

    public GroupNormalization(int groups = 32, int axis = -1, float epsilon = 1e-3f, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null,
        Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null,
        Constraint? betaConstraint = null, Constraint? gammaConstraint = null, string? name = null, bool trainable = true)
        : this(groups, axis, new AffineArgs(epsilon, center, scale, betaInitializer, gammaInitializer,
            betaRegularizer, gammaRegularizer, betaConstraint, gammaConstraint, name, trainable))
    {
    }

    private GroupNormalization(int groups, int axis, AffineArgs args) : base(args)
    {
        if (groups <= 0 && groups != -1) throw new ArgumentOutOfRangeException(nameof(groups), $"groups must be positive or -1; received groups={groups}.");
        Groups = groups;
        Axis = axis;
    }

    public override string ClassName => "GroupNormalization";

    /// <summary>Groups as given; -1 means one group per channel.</summary>
    public int Groups { get; }

    public int Axis { get; }

    public override void Build(KerasShape inputShape)
    {
        int rank = inputShape.Rank;
        _axis = Axis < 0 ? Axis + rank : Axis;
        if (_axis < 1 || _axis >= rank)
            throw new ArgumentException($"Layer '{Name}': axis {Axis} is out of bounds for input shape {inputShape} (it must name a non-batch axis).");
        int channels = inputShape[_axis] ?? throw new ArgumentException($"Layer '{Name}': axis {Axis} of the input must have a known size, received input shape {inputShape}.");
        _groups = Groups == -1 ? channels : Groups;
        if (channels < _groups)
            throw new ShapeMismatchException($"Layer \"{Name}\"", $"number of groups ({_groups}) cannot be more than the number of channels ({channels}), input shape {inputShape}.");
        if (channels % _groups != 0)
            throw new ShapeMismatchException($"Layer \"{Name}\"", $"number of groups ({_groups}) must be a multiple of the number of channels ({channels}), input shape {inputShape}.");
        AddGammaBeta(new Shape(channels), gamma: Scale, beta: Center);
        InputSpec = new InputSpec(ndim: rank, axes: new Dictionary<int, int> { [_axis] = channels });
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        // (N, ..., C, ...) → (N, ..., G, C/G, ...); statistics over every axis but the batch and the group.
        var s = inputs.Shape.ToArray();
        int c = s[_axis];
        int[] grouped = [.. s[.._axis], _groups, c / _groups, .. s[(_axis + 1)..]];
        var x = Ops.Reshape(inputs, grouped);
        var axes = Enumerable.Range(1, grouped.Length - 1).Where(a => a != _axis).ToArray();
        var normalized = Ops.LayerNorm(x, null, null, axes, Epsilon);
        var y = Ops.Reshape(normalized, s);
        if (Gamma is not null) y = Ops.Multiply(y, PerChannel(Gamma, s.Length));
        if (Beta is not null) y = Ops.Add(y, PerChannel(Beta, s.Length));
        return y;
    }

    /// <summary>A (C,) weight shaped to broadcast along the channel axis.</summary>
    private Tensor PerChannel(Variable v, int rank)
    {
        if (_axis == rank - 1) return v.Value;
        var shape = Enumerable.Repeat(1, rank).ToArray();
        shape[_axis] = v.Shape[0];
        return Ops.Reshape(v.Value, shape);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["groups"] = Groups;
        config["axis"] = Axis;
        WriteScaleConfig(config);
        WriteWeightConfig(config);
        return config;
    }

    public static GroupNormalization FromConfig(JObject config) =>
        new(LayerConfig.Get(config, "groups", 32), LayerConfig.IntOrSingleton(config, "axis", -1), AffineArgs.Read(config))
        { InputShape = LayerConfig.InputShape(config) };
}
