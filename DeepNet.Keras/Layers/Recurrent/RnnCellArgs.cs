using DeepNet.Backends;
using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// The arguments every recurrent cell shares, with Keras's defaults (null initializers take
/// glorot_uniform for the kernel, orthogonal for the recurrent kernel, zeros for the bias).
/// </summary>
public sealed record RnnCellArgs
{
    public required int Units { get; init; }

    public string? Activation { get; init; } = "tanh";

    public bool UseBias { get; init; } = true;

    public Initializer? KernelInitializer { get; init; }

    public Initializer? RecurrentInitializer { get; init; }

    public Initializer? BiasInitializer { get; init; }

    public Regularizer? KernelRegularizer { get; init; }

    public Regularizer? RecurrentRegularizer { get; init; }

    public Regularizer? BiasRegularizer { get; init; }

    public Constraint? KernelConstraint { get; init; }

    public Constraint? RecurrentConstraint { get; init; }

    public Constraint? BiasConstraint { get; init; }

    public float Dropout { get; init; }

    public float RecurrentDropout { get; init; }

    public int? Seed { get; init; }

    /// <summary>"hard_sigmoid" means Keras 2's 0.2x + 0.5 (configs from Keras 2).</summary>
    public bool Keras2HardSigmoid { get; init; }

    public string? Name { get; init; }

    public bool Trainable { get; init; } = true;

    /// <summary>Whether a cell or layer config was written by Keras 2 (it carries implementation or time_major).</summary>
    public static bool IsKeras2(JObject config) => config.ContainsKey("implementation") || config.ContainsKey("time_major");

    /// <summary>The shared arguments from a cell's or layer's config; <paramref name="name"/> overrides the config's.</summary>
    public static RnnCellArgs FromConfig(JObject config, string? name = null, bool? keras2 = null)
    {
        LayerConfig.CheckDType(config);
        return new RnnCellArgs
        {
            Units = config.Value<int>("units"),
            Activation = config.ContainsKey("activation") ? Activations.Get(config["activation"]).Name : "tanh",
            UseBias = LayerConfig.Get(config, "use_bias", true),
            KernelInitializer = InitializerOrNull(config["kernel_initializer"]),
            RecurrentInitializer = InitializerOrNull(config["recurrent_initializer"]),
            BiasInitializer = InitializerOrNull(config["bias_initializer"]),
            KernelRegularizer = KerasObjects.Regularizer(config["kernel_regularizer"]),
            RecurrentRegularizer = KerasObjects.Regularizer(config["recurrent_regularizer"]),
            BiasRegularizer = KerasObjects.Regularizer(config["bias_regularizer"]),
            KernelConstraint = KerasObjects.Constraint(config["kernel_constraint"]),
            RecurrentConstraint = KerasObjects.Constraint(config["recurrent_constraint"]),
            BiasConstraint = KerasObjects.Constraint(config["bias_constraint"]),
            Dropout = LayerConfig.Get(config, "dropout", 0f),
            RecurrentDropout = LayerConfig.Get(config, "recurrent_dropout", 0f),
            Seed = config["seed"] is { Type: JTokenType.Integer } s ? s.Value<int>() : null,
            Keras2HardSigmoid = keras2 ?? IsKeras2(config),
            Name = name ?? LayerConfig.Name(config),
            Trainable = LayerConfig.Trainable(config),
        };
    }

    private static Initializer? InitializerOrNull(JToken? token) =>
        token is { Type: not JTokenType.Null } t ? KerasObjects.Initializer(t) : null;

    /// <summary>The activation named <paramref name="name"/>, with Keras 2's hard_sigmoid when asked.</summary>
    public static ActivationFunction ResolveActivation(string? name, bool keras2HardSigmoid)
    {
        var f = Activations.Get(name);
        if (keras2HardSigmoid && f.Name == "hard_sigmoid")
            return new ActivationFunction("hard_sigmoid", x => Ops.Activation(x, ActivationKind.HardSigmoidKeras2), ActivationKind.HardSigmoidKeras2);
        return f;
    }
}
