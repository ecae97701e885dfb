using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Parametric ReLU (Keras <c>keras.layers.PReLU</c>): relu(x) − alpha·relu(−x) with a learned
/// alpha of the input's per-sample shape (size 1 along <see cref="SharedAxes"/>).
/// Keras defaults: alpha_initializer=Constant(0.25), alpha_regularizer=None, alpha_constraint=None, shared_axes=None.
/// </summary>
public sealed class PReLU : Layer
{
    private Variable? _alpha;

    /// <param name="sharedAxes">1-based axes (batch is 0) along which alpha is shared, e.g. [1, 2] for images.</param>
    public PReLU(Initializer? alphaInitializer = null, Regularizer? alphaRegularizer = null, Constraint? alphaConstraint = null,
        int[]? sharedAxes = null, string? name = null, bool trainable = true) : base(name, trainable)
    {
        AlphaInitializer = alphaInitializer ?? KerasObjects.Initializer(new JObject { ["class_name"] = "Constant", ["config"] = new JObject { ["value"] = 0.25 } });
        AlphaRegularizer = alphaRegularizer;
        AlphaConstraint = alphaConstraint;
        SharedAxes = sharedAxes is null ? null : (int[])sharedAxes.Clone();
    }

    public override string ClassName => "PReLU";

    public Initializer AlphaInitializer { get; }

    public Regularizer? AlphaRegularizer { get; }

    public Constraint? AlphaConstraint { get; }

    public int[]? SharedAxes { get; }

    public Variable? Alpha => _alpha;

    public override void Build(KerasShape inputShape)
    {
        var dims = new int[inputShape.Rank - 1];
        for (int i = 1; i < inputShape.Rank; i++)
        {
            dims[i - 1] = SharedAxes?.Contains(i) == true ? 1
                : inputShape[i] ?? throw new ArgumentException($"Layer '{Name}': PReLU needs known non-batch dimensions, received input shape {inputShape}.");
        }
        _alpha = AddWeight("alpha", new Shape(dims), AlphaInitializer, AlphaRegularizer, AlphaConstraint);
        var axes = new Dictionary<int, int>();
        for (int i = 1; i < inputShape.Rank; i++)
        {
            if (SharedAxes?.Contains(i) != true) axes[i] = inputShape[i]!.Value;
        }
        InputSpec = new InputSpec(ndim: inputShape.Rank, axes: axes);
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var pos = Ops.Relu(inputs);
        var neg = Ops.Multiply(Ops.Negate(_alpha!.Value), Ops.Relu(Ops.Negate(inputs)));
        return Ops.Add(pos, neg);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["alpha_initializer"] = KerasObjects.Serialize(AlphaInitializer);
        config["alpha_regularizer"] = KerasObjects.Serialize(AlphaRegularizer);
        config["alpha_constraint"] = KerasObjects.Serialize(AlphaConstraint);
        config["shared_axes"] = SharedAxes is null ? null : LayerConfig.ToJson(SharedAxes);
        return config;
    }

    public static PReLU FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new PReLU(
            config["alpha_initializer"] is { Type: not JTokenType.Null } i ? KerasObjects.Initializer(i) : null,
            KerasObjects.Regularizer(config["alpha_regularizer"]),
            KerasObjects.Constraint(config["alpha_constraint"]),
            config["shared_axes"] switch { JArray a => a.Select(v => v.Value<int>()).ToArray(), { Type: JTokenType.Integer } v => [v.Value<int>()], _ => null },
            LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
