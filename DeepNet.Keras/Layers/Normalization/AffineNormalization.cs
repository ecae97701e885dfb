using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Shared part of LayerNormalization and GroupNormalization: epsilon, and the optional scale gamma
/// (scale=True) and offset beta (center=True) with their initializers (ones and zeros by
/// default), regularizers and constraints, and the config keys these write.
/// </summary>
public abstract class AffineNormalization : Layer
{
    private Variable? _gamma;
    private Variable? _beta;

    private protected AffineNormalization(AffineArgs args) : base(args.Name, args.Trainable)
    {
        if (!(args.Epsilon > 0f)) throw new ArgumentOutOfRangeException("epsilon", $"epsilon must be positive; received epsilon={args.Epsilon}.");
        Epsilon = args.Epsilon;
        Center = args.Center;
        Scale = args.Scale;
        BetaInitializer = args.BetaInitializer ?? KerasObjects.Initializer("zeros");
        GammaInitializer = args.GammaInitializer ?? KerasObjects.Initializer("ones");
        BetaRegularizer = args.BetaRegularizer;
        GammaRegularizer = args.GammaRegularizer;
        BetaConstraint = args.BetaConstraint;
        GammaConstraint = args.GammaConstraint;
    }

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

    /// <summary>Adds gamma then beta (Keras's order), each only where wanted.</summary>
    protected void AddGammaBeta(Shape shape, bool gamma, bool beta)
    {
        if (gamma) _gamma = AddWeight("gamma", shape, GammaInitializer, GammaRegularizer, GammaConstraint);
        if (beta) _beta = AddWeight("beta", shape, BetaInitializer, BetaRegularizer, BetaConstraint);
    }

    /// <summary>epsilon, center, scale.</summary>
    protected void WriteScaleConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config["epsilon"] = Epsilon;
        config["center"] = Center;
        config["scale"] = Scale;
    }

    /// <summary>The initializers, regularizers and constraints of beta and gamma.</summary>
    protected void WriteWeightConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config["beta_initializer"] = KerasObjects.Serialize(BetaInitializer);
        config["gamma_initializer"] = KerasObjects.Serialize(GammaInitializer);
        config["beta_regularizer"] = KerasObjects.Serialize(BetaRegularizer);
        config["gamma_regularizer"] = KerasObjects.Serialize(GammaRegularizer);
        config["beta_constraint"] = KerasObjects.Serialize(BetaConstraint);
        config["gamma_constraint"] = KerasObjects.Serialize(GammaConstraint);
    }
}

/// <summary>The arguments <see cref="AffineNormalization"/> takes; <see cref="Read"/> reads them from a config.</summary>
internal sealed record AffineArgs(
    float Epsilon, bool Center, bool Scale, Initializer? BetaInitializer, Initializer? GammaInitializer,
    Regularizer? BetaRegularizer, Regularizer? GammaRegularizer, Constraint? BetaConstraint, Constraint? GammaConstraint,
    string? Name, bool Trainable)
{
    public static AffineArgs Read(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new AffineArgs(
            LayerConfig.Get(config, "epsilon", 1e-3f),
            LayerConfig.Get(config, "center", true),
            LayerConfig.Get(config, "scale", true),
            KernelArgs.OptionalInitializer(config["beta_initializer"]),
            KernelArgs.OptionalInitializer(config["gamma_initializer"]),
            KerasObjects.Regularizer(config["beta_regularizer"]),
            KerasObjects.Regularizer(config["gamma_regularizer"]),
            KerasObjects.Constraint(config["beta_constraint"]),
            KerasObjects.Constraint(config["gamma_constraint"]),
            LayerConfig.Name(config),
            LayerConfig.Trainable(config));
    }
}
