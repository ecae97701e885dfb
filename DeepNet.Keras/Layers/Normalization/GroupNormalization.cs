using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Group normalization (Keras <c>keras.layers.GroupNormalization</c>): the channels of the last
/// axis are split into <see cref="Groups"/> groups and each sample is normalised over every axis
/// but the batch within each group, then γ·x̂ + β per channel. Keras defaults: groups=32, axis=-1,
/// epsilon=1e-3, center=True, scale=True, beta_initializer="zeros", gamma_initializer="ones".
/// Only axis=-1 is supported.
/// </summary>
public sealed class GroupNormalization : Layer
{
    private Variable? _gamma;
    private Variable? _beta;

    public GroupNormalization(int groups = 32, int axis = -1, float epsilon = 1e-3f, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null,
        Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null,
        Constraint? betaConstraint = null, Constraint? gammaConstraint = null, string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        if (groups <= 0) throw new ArgumentOutOfRangeException(nameof(groups), $"groups must be positive; received groups={groups}.");
        if (axis != -1) throw new NotSupportedException($"GroupNormalization: only axis=-1 is supported; received axis={axis}.");
        if (!(epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"epsilon must be positive; received epsilon={epsilon}.");
        Groups = groups;
        Axis = axis;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        BetaInitializer = betaInitializer ?? KerasObjects.Initializer("zeros");
        GammaInitializer = gammaInitializer ?? KerasObjects.Initializer("ones");
        BetaRegularizer = betaRegularizer;
        GammaRegularizer = gammaRegularizer;
        BetaConstraint = betaConstraint;
        GammaConstraint = gammaConstraint;
    }

    public override string ClassName => "GroupNormalization";

    public int Groups { get; }

    public int Axis { get; }

    public float Epsilon { get; }

    public bool Center { get; }

    public bool Scale { get; }

    public Initializer BetaInitializer { get; }

    public Initializer GammaInitializer { get; }

    public Regularizer? BetaRegularizer { get; }

    public Regularizer? GammaRegularizer { get; }

    public Constraint? BetaConstraint { get; }

    public Constraint? GammaConstraint { get; }

    public Variable? Gamma => _gamma;

    public Variable? Beta => _beta;

    public override void Build(KerasShape inputShape)
    {
        int channels = inputShape.Last ?? throw new ArgumentException($"Layer '{Name}': the last dimension of the input must be known, received input shape {inputShape}.");
        if (inputShape.Rank < 2 || channels % Groups != 0)
            throw new ShapeMismatchException($"Layer \"{Name}\"", $"number of groups ({Groups}) must be a multiple of the number of channels ({channels}), input shape {inputShape}.");
        if (Scale) _gamma = AddWeight("gamma", new Shape(channels), GammaInitializer, GammaRegularizer, GammaConstraint);
        if (Center) _beta = AddWeight("beta", new Shape(channels), BetaInitializer, BetaRegularizer, BetaConstraint);
        InputSpec = new InputSpec(ndim: inputShape.Rank, axes: new Dictionary<int, int> { [-1] = channels });
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        // (N, ..., C) → (N, ..., G, C/G); statistics over every axis but the batch and the group.
        var s = inputs.Shape.ToArray();
        int c = s[^1];
        int[] grouped = [.. s[..^1], Groups, c / Groups];
        var x = Ops.Reshape(inputs, grouped);
        var axes = Enumerable.Range(1, grouped.Length - 1).Where(a => a != grouped.Length - 2).ToArray();
        var normalized = Ops.LayerNorm(x, null, null, axes, Epsilon);
        var y = Ops.Reshape(normalized, s);
        if (_gamma is not null) y = Ops.Multiply(y, _gamma.Value);
        if (_beta is not null) y = Ops.Add(y, _beta.Value);
        return y;
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["groups"] = Groups;
        config["axis"] = Axis;
        config["epsilon"] = Epsilon;
        config["center"] = Center;
        config["scale"] = Scale;
        config["beta_initializer"] = KerasObjects.Serialize(BetaInitializer);
        config["gamma_initializer"] = KerasObjects.Serialize(GammaInitializer);
        config["beta_regularizer"] = KerasObjects.Serialize(BetaRegularizer);
        config["gamma_regularizer"] = KerasObjects.Serialize(GammaRegularizer);
        config["beta_constraint"] = KerasObjects.Serialize(BetaConstraint);
        config["gamma_constraint"] = KerasObjects.Serialize(GammaConstraint);
        return config;
    }

    public static GroupNormalization FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new GroupNormalization(
            groups: LayerConfig.Get(config, "groups", 32),
            axis: LayerConfig.IntOrSingleton(config, "axis", -1),
            epsilon: LayerConfig.Get(config, "epsilon", 1e-3f),
            center: LayerConfig.Get(config, "center", true),
            scale: LayerConfig.Get(config, "scale", true),
            betaInitializer: BaseConv.OptionalInitializer(config["beta_initializer"]),
            gammaInitializer: BaseConv.OptionalInitializer(config["gamma_initializer"]),
            betaRegularizer: KerasObjects.Regularizer(config["beta_regularizer"]),
            gammaRegularizer: KerasObjects.Regularizer(config["gamma_regularizer"]),
            betaConstraint: KerasObjects.Constraint(config["beta_constraint"]),
            gammaConstraint: KerasObjects.Constraint(config["gamma_constraint"]),
            name: LayerConfig.Name(config),
            trainable: LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
