using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Layer normalization (Keras <c>keras.layers.LayerNormalization</c>): each sample normalised over
/// <see cref="Axis"/> with its own mean and biased variance, then γ·x̂ + β. With rms_scaling the
/// inputs are only divided by √(var + ε) and scaled by γ (Keras 3). Weights gamma, beta of the
/// normalised dims. Keras defaults: axis=-1, epsilon=1e-3, center=True, scale=True,
/// rms_scaling=False, beta_initializer="zeros", gamma_initializer="ones".
/// </summary>
public sealed class LayerNormalization : Layer
{
    private Variable? _gamma;
    private Variable? _beta;
    private int[]? _axes;
    private Shape? _broadcast;

    public LayerNormalization(int[]? axis = null, float epsilon = 1e-3f, bool center = true, bool scale = true, bool rmsScaling = false,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null,
        Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null,
        Constraint? betaConstraint = null, Constraint? gammaConstraint = null, string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        Axis = axis is null ? [-1] : (int[])axis.Clone();
        if (Axis.Length == 0) throw new ArgumentException("LayerNormalization needs at least one axis.", nameof(axis));
        if (!(epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"epsilon must be positive; received epsilon={epsilon}.");
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        RmsScaling = rmsScaling;
        BetaInitializer = betaInitializer ?? KerasObjects.Initializer("zeros");
        GammaInitializer = gammaInitializer ?? KerasObjects.Initializer("ones");
        BetaRegularizer = betaRegularizer;
        GammaRegularizer = gammaRegularizer;
        BetaConstraint = betaConstraint;
        GammaConstraint = gammaConstraint;
    }

    public override string ClassName => "LayerNormalization";

    public int[] Axis { get; }

    public float Epsilon { get; }

    public bool Center { get; }

    public bool Scale { get; }

    public bool RmsScaling { get; }

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
        int rank = inputShape.Rank;
        var axes = Axis.Select(a => a < 0 ? a + rank : a).ToArray();
        if (axes.Any(a => a < 0 || a >= rank) || axes.Distinct().Count() != axes.Length)
            throw new ArgumentException($"Invalid axis [{string.Join(", ", Axis)}] for layer '{Name}' on input shape {inputShape}.");
        Array.Sort(axes);
        _axes = axes;
        var sizes = axes.Select(a => inputShape[a] ?? throw new ArgumentException($"Axis {a} of input shape {inputShape} must be known for layer '{Name}'.")).ToArray();
        var paramShape = new Shape(sizes);
        var broadcast = Enumerable.Repeat(1, rank).ToArray();
        for (int i = 0; i < axes.Length; i++) broadcast[axes[i]] = sizes[i];
        _broadcast = new Shape(broadcast);
        if (Scale || RmsScaling) _gamma = AddWeight("gamma", paramShape, GammaInitializer, GammaRegularizer, GammaConstraint);
        if (Center && !RmsScaling) _beta = AddWeight("beta", paramShape, BetaInitializer, BetaRegularizer, BetaConstraint);
    }

    private Tensor? Broadcastable(Variable? v)
    {
        if (v is null) return null;
        // A trailing-axes weight already broadcasts; otherwise give it the input's rank.
        bool trailing = _axes!.Length == 1 && _axes[0] == _broadcast!.Rank - 1;
        return trailing ? v.Value : Ops.Reshape(v.Value, _broadcast!);
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        if (!RmsScaling) return Ops.LayerNorm(inputs, Broadcastable(_gamma), Broadcastable(_beta), _axes, Epsilon);
        var mean = Ops.Mean(inputs, _axes, keepDims: true);
        var variance = Ops.Mean(Ops.Square(Ops.Subtract(inputs, mean)), _axes, keepDims: true);
        var y = Ops.Multiply(inputs, Ops.Rsqrt(Ops.Add(variance, Epsilon)));
        return Ops.Multiply(y, Broadcastable(_gamma)!);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Axis.Length == 1 ? Axis[0] : LayerConfig.ToJson(Axis);
        config["epsilon"] = Epsilon;
        config["center"] = Center;
        config["scale"] = Scale;
        config["rms_scaling"] = RmsScaling;
        config["beta_initializer"] = KerasObjects.Serialize(BetaInitializer);
        config["gamma_initializer"] = KerasObjects.Serialize(GammaInitializer);
        config["beta_regularizer"] = KerasObjects.Serialize(BetaRegularizer);
        config["gamma_regularizer"] = KerasObjects.Serialize(GammaRegularizer);
        config["beta_constraint"] = KerasObjects.Serialize(BetaConstraint);
        config["gamma_constraint"] = KerasObjects.Serialize(GammaConstraint);
        return config;
    }

    public static LayerNormalization FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new LayerNormalization(
            axis: ConvArgs.IntsOrInt(config["axis"]),
            epsilon: LayerConfig.Get(config, "epsilon", 1e-3f),
            center: LayerConfig.Get(config, "center", true),
            scale: LayerConfig.Get(config, "scale", true),
            rmsScaling: LayerConfig.Get(config, "rms_scaling", false),
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
