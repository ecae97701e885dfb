using DeepNet.Keras.Constraints;
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
public sealed class LayerNormalization : AffineNormalization
{
    private int[]? _axes;
    private Shape? _broadcast;

    public LayerNormalization(int[]? axis = null, float epsilon = 1e-3f, bool center = true, bool scale = true, bool rmsScaling = false,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null,
        Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null,
        Constraint? betaConstraint = null, Constraint? gammaConstraint = null, string? name = null, bool trainable = true)
        : this(axis, rmsScaling, new AffineArgs(epsilon, center, scale, betaInitializer, gammaInitializer,
            betaRegularizer, gammaRegularizer, betaConstraint, gammaConstraint, name, trainable))
    {
    }

    private LayerNormalization(int[]? axis, bool rmsScaling, AffineArgs args) : base(args)
    {
        Axis = axis is null ? [-1] : (int[])axis.Clone();
        if (Axis.Length == 0) throw new ArgumentException("LayerNormalization needs at least one axis.", nameof(axis));
        RmsScaling = rmsScaling;
    }

    public override string ClassName => "LayerNormalization";

    public int[] Axis { get; }

    public bool RmsScaling { get; }

    public override void Build(KerasShape inputShape)
    {
        int rank = inputShape.Rank;
        var axes = Axis.Select(a => a < 0 ? a + rank : a).ToArray();
        if (axes.Any(a => a < 0 || a >= rank) || axes.Distinct().Count() != axes.Length)
            throw new ArgumentException($"Invalid axis [{string.Join(", ", Axis)}] for layer '{Name}' on input shape {inputShape}.");
        Array.Sort(axes);
        _axes = axes;
        var sizes = axes.Select(a => inputShape[a] ?? throw new ArgumentException($"Axis {a} of input shape {inputShape} must be known for layer '{Name}'.")).ToArray();
        var broadcast = Enumerable.Repeat(1, rank).ToArray();
        for (int i = 0; i < axes.Length; i++) broadcast[axes[i]] = sizes[i];
        _broadcast = new Shape(broadcast);
        AddGammaBeta(new Shape(sizes), gamma: Scale || RmsScaling, beta: Center && !RmsScaling);
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
        if (!RmsScaling) return Ops.LayerNorm(inputs, Broadcastable(Gamma), Broadcastable(Beta), _axes, Epsilon);
        var mean = Ops.Mean(inputs, _axes, keepDims: true);
        var variance = Ops.Mean(Ops.Square(Ops.Subtract(inputs, mean)), _axes, keepDims: true);
        var y = Ops.Multiply(inputs, Ops.Rsqrt(Ops.Add(variance, Epsilon)));
        return Ops.Multiply(y, Broadcastable(Gamma)!);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Axis.Length == 1 ? Axis[0] : LayerConfig.ToJson(Axis);
        WriteScaleConfig(config);
        config["rms_scaling"] = RmsScaling;
        WriteWeightConfig(config);
        return config;
    }

    public static LayerNormalization FromConfig(JObject config) =>
        new(ConvArgs.IntsOrInt(config["axis"]), LayerConfig.Get(config, "rms_scaling", false), AffineArgs.Read(config))
        { InputShape = LayerConfig.InputShape(config) };
}
