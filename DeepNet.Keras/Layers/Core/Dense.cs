using DeepNet.Backends;
using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Densely connected layer (Keras <c>keras.layers.Dense</c>): <c>activation(inputs · kernel + bias)</c>,
/// kernel of shape (input_dim, units), applied along the last axis.
/// Keras defaults: activation=None (linear), use_bias=True, kernel_initializer="glorot_uniform",
/// bias_initializer="zeros", no regularizers or constraints.
/// </summary>
public sealed class Dense : Layer
{
    private Variable? _kernel;
    private Variable? _bias;

    /// <param name="units">Dimensionality of the output space; a positive integer.</param>
    /// <param name="activation">Keras activation name; null is linear.</param>
    /// <param name="inputDim">Keras 2 style <c>input_dim</c>: the input width of a first layer.</param>
    public Dense(int units, string? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null,
        int? inputDim = null, string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        if (units <= 0)
            throw new ArgumentOutOfRangeException(nameof(units), $"Received an invalid value for `units`, expected a positive integer. Received: units={units}");
        Units = units;
        Activation = Activations.Get(activation);
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? KerasObjects.Initializer("glorot_uniform");
        BiasInitializer = biasInitializer ?? KerasObjects.Initializer("zeros");
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        KernelConstraint = kernelConstraint;
        BiasConstraint = biasConstraint;
        if (inputDim is int d)
        {
            if (d <= 0) throw new ArgumentOutOfRangeException(nameof(inputDim), $"Received an invalid value for `input_dim`, expected a positive integer. Received: input_dim={d}");
            InputShape = [d];
        }
        InputSpec = new InputSpec(minNdim: 2);
    }

    public override string ClassName => "Dense";

    /// <summary>Passes its input's mask on (Keras <c>supports_masking = True</c>).</summary>
    public override bool SupportsMasking => true;

    public int Units { get; }

    public ActivationFunction Activation { get; }

    public bool UseBias { get; }

    public Initializer KernelInitializer { get; }

    public Initializer BiasInitializer { get; }

    public Regularizer? KernelRegularizer { get; }

    public Regularizer? BiasRegularizer { get; }

    public Constraint? KernelConstraint { get; }

    public Constraint? BiasConstraint { get; }

    /// <summary>The (input_dim, units) weight; null before build.</summary>
    public Variable? Kernel => _kernel;

    /// <summary>The (units,) weight; null before build or without bias.</summary>
    public Variable? Bias => _bias;

    public override void Build(KerasShape inputShape)
    {
        int inputDim = inputShape.Last ?? throw new ArgumentException($"Layer '{Name}': the last dimension of the input must be known, received input shape {inputShape}.");
        _kernel = AddWeight("kernel", new Shape(inputDim, Units), KernelInitializer, KernelRegularizer, KernelConstraint);
        if (UseBias) _bias = AddWeight("bias", new Shape(Units), BiasInitializer, BiasRegularizer, BiasConstraint);
        InputSpec = new InputSpec(minNdim: 2, axes: new Dictionary<int, int> { [-1] = inputDim });
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        // A fused kernel when the backend has the activation, else the op after the affine part.
        // Sigmoid stays separate so that its output remembers the logits, from which binary
        // cross-entropy then computes (as Keras's TensorFlow backend does).
        if (Activation.Kind is ActivationKind kind && kind != ActivationKind.Sigmoid)
            return Ops.Dense(inputs, _kernel!.Value, _bias?.Value, kind, Activation.Alpha);
        var z = Ops.Dense(inputs, _kernel!.Value, _bias?.Value);
        return Activation.Call(z);
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape)
    {
        var dims = inputShape.ToArray();
        dims[^1] = Units;
        return new KerasShape(dims);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["units"] = Units;
        config["activation"] = Activations.Serialize(Activation);
        config["use_bias"] = UseBias;
        config["kernel_initializer"] = KerasObjects.Serialize(KernelInitializer);
        config["bias_initializer"] = KerasObjects.Serialize(BiasInitializer);
        config["kernel_regularizer"] = KerasObjects.Serialize(KernelRegularizer);
        config["bias_regularizer"] = KerasObjects.Serialize(BiasRegularizer);
        config["kernel_constraint"] = KerasObjects.Serialize(KernelConstraint);
        config["bias_constraint"] = KerasObjects.Serialize(BiasConstraint);
        config["quantization_config"] = null;
        return config;
    }

    public static Dense FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new Dense(
            units: config.Value<int>("units"),
            activation: Activations.Get(config["activation"]).Name,
            useBias: LayerConfig.Get(config, "use_bias", true),
            kernelInitializer: config["kernel_initializer"] is { Type: not JTokenType.Null } k ? KerasObjects.Initializer(k) : null,
            biasInitializer: config["bias_initializer"] is { Type: not JTokenType.Null } b ? KerasObjects.Initializer(b) : null,
            kernelRegularizer: KerasObjects.Regularizer(config["kernel_regularizer"]),
            biasRegularizer: KerasObjects.Regularizer(config["bias_regularizer"]),
            kernelConstraint: KerasObjects.Constraint(config["kernel_constraint"]),
            biasConstraint: KerasObjects.Constraint(config["bias_constraint"]),
            name: LayerConfig.Name(config),
            trainable: LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
