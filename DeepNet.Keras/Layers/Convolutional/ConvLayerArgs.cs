using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// The arguments every convolution layer takes besides its kernels: window geometry, bias,
/// activation, name. Read from a config with <see cref="Read"/>.
/// </summary>
internal sealed record ConvCommonArgs(
    int[] KernelSize, int[]? Strides, string Padding, string? DataFormat, int[]? DilationRate,
    string? Activation, bool UseBias, Initializer? BiasInitializer, Regularizer? BiasRegularizer,
    Regularizer? ActivityRegularizer, Constraint? BiasConstraint, string? Name, bool Trainable)
{
    public static ConvCommonArgs Read(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new ConvCommonArgs(
            ConvArgs.IntsOrInt(config["kernel_size"]) ?? throw new ArgumentException("A convolution config needs kernel_size."),
            ConvArgs.IntsOrInt(config["strides"]),
            LayerConfig.Get(config, "padding", "valid"),
            config.Value<string?>("data_format"),
            ConvArgs.IntsOrInt(config["dilation_rate"]),
            Activations.Get(config["activation"]).Name,
            LayerConfig.Get(config, "use_bias", true),
            KernelArgs.OptionalInitializer(config["bias_initializer"]),
            KerasObjects.Regularizer(config["bias_regularizer"]),
            KerasObjects.Regularizer(config["activity_regularizer"]),
            KerasObjects.Constraint(config["bias_constraint"]),
            LayerConfig.Name(config),
            LayerConfig.Trainable(config));
    }
}

/// <summary>
/// A kernel weight's initializer (glorot_uniform when none is given), regularizer and constraint,
/// which a config writes under {prefix}_initializer, {prefix}_regularizer and {prefix}_constraint.
/// </summary>
internal sealed record KernelArgs(string Prefix, Initializer Initializer, Regularizer? Regularizer, Constraint? Constraint)
{
    public static KernelArgs Of(string prefix, Initializer? initializer, Regularizer? regularizer, Constraint? constraint) =>
        new(prefix, initializer ?? KerasObjects.Initializer("glorot_uniform"), regularizer, constraint);

    public static KernelArgs Read(JObject config, string prefix) =>
        Of(prefix, OptionalInitializer(config[prefix + "_initializer"]), KerasObjects.Regularizer(config[prefix + "_regularizer"]),
            KerasObjects.Constraint(config[prefix + "_constraint"]));

    /// <summary>An initializer from a config entry, or null where the entry is missing or null.</summary>
    public static Initializer? OptionalInitializer(JToken? token) =>
        token is { Type: not JTokenType.Null } t ? KerasObjects.Initializer(t) : null;
}
