using DeepNet.Autograd;
using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Batch normalization (Keras <c>keras.layers.BatchNormalization</c>):
/// y = γ·(x − μ)/√(σ² + ε) + β over every axis but <see cref="Axis"/>. In training (and only
/// when the layer is trainable, as in Keras) μ and σ² are the batch's mean and biased variance
/// and the moving statistics move towards them: moving = moving·momentum + batch·(1 − momentum).
/// Otherwise the moving statistics are used. A mask (the input's shape without its last axis; 0
/// drops a position) leaves masked positions out of the batch statistics, as Keras 3 does, and
/// passes on to the next layer. Weights in Keras order: gamma (if scale), beta (if center),
/// moving_mean, moving_variance.
/// Keras defaults: axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
/// beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
/// moving_variance_initializer="ones".
/// </summary>
public sealed class BatchNormalization : Layer
{
    private Variable? _gamma;
    private Variable? _beta;
    private Variable? _movingMean;
    private Variable? _movingVariance;
    private int[]? _axes;     // positive, ascending, after build
    private int[]? _perm;     // moves the normalised axes last, or null when that is the identity
    private int[]? _inversePerm;
    private Shape? _broadcast;  // the parameters shaped to broadcast against the input

    /// <param name="axis">The feature axis (or axes) to keep; the statistics run over the others.</param>
    public BatchNormalization(int[]? axis = null, float momentum = 0.99f, float epsilon = 1e-3f, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null,
        Initializer? movingMeanInitializer = null, Initializer? movingVarianceInitializer = null,
        Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null,
        Constraint? betaConstraint = null, Constraint? gammaConstraint = null,
        bool synchronized = false, string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        Axis = axis is null ? [-1] : (int[])axis.Clone();
        if (Axis.Length == 0) throw new ArgumentException("BatchNormalization needs at least one axis.", nameof(axis));
        if (Axis.Distinct().Count() != Axis.Length) throw new ArgumentException($"Duplicate axis: [{string.Join(", ", Axis)}].", nameof(axis));
        if (!(epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"epsilon must be positive; received epsilon={epsilon}.");
        if (!(momentum >= 0f && momentum <= 1f)) throw new ArgumentOutOfRangeException(nameof(momentum), $"momentum must be in [0, 1]; received momentum={momentum}.");
        Momentum = momentum;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        BetaInitializer = betaInitializer ?? KerasObjects.Initializer("zeros");
        GammaInitializer = gammaInitializer ?? KerasObjects.Initializer("ones");
        MovingMeanInitializer = movingMeanInitializer ?? KerasObjects.Initializer("zeros");
        MovingVarianceInitializer = movingVarianceInitializer ?? KerasObjects.Initializer("ones");
        BetaRegularizer = betaRegularizer;
        GammaRegularizer = gammaRegularizer;
        BetaConstraint = betaConstraint;
        GammaConstraint = gammaConstraint;
        Synchronized = synchronized;
    }

    /// <param name="axis">The feature axis to keep.</param>
    public BatchNormalization(int axis, float momentum = 0.99f, float epsilon = 1e-3f, bool center = true, bool scale = true, string? name = null, bool trainable = true)
        : this([axis], momentum, epsilon, center, scale, name: name, trainable: trainable)
    {
    }

    public override string ClassName => "BatchNormalization";

    /// <summary>The axes as given (may be negative).</summary>
    public int[] Axis { get; }

    public float Momentum { get; }

    public float Epsilon { get; }

    public bool Center { get; }

    public bool Scale { get; }

    public bool Synchronized { get; }

    public Initializer BetaInitializer { get; }

    public Initializer GammaInitializer { get; }

    public Initializer MovingMeanInitializer { get; }

    public Initializer MovingVarianceInitializer { get; }

    public Regularizer? BetaRegularizer { get; }

    public Regularizer? GammaRegularizer { get; }

    public Constraint? BetaConstraint { get; }

    public Constraint? GammaConstraint { get; }

    public Variable? Gamma => _gamma;

    public Variable? Beta => _beta;

    public Variable? MovingMean => _movingMean;

    public Variable? MovingVariance => _movingVariance;

    public override bool SupportsMasking => true;

    public override void Build(KerasShape inputShape)
    {
        int rank = inputShape.Rank;
        var axes = new int[Axis.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            int a = Axis[i] < 0 ? Axis[i] + rank : Axis[i];
            if (a <= 0 || a >= rank)
                throw new ArgumentException($"Invalid axis {Axis[i]} for layer '{Name}': the input has rank {rank} (input shape {inputShape}) and the batch axis 0 cannot be normalised over alone.");
            axes[i] = a;
        }
        Array.Sort(axes);
        if (axes.Distinct().Count() != axes.Length) throw new ArgumentException($"Duplicate axis for layer '{Name}': [{string.Join(", ", Axis)}] on input shape {inputShape}.");
        _axes = axes;

        // One axis: weights (C,); several: full rank with ones elsewhere (Keras 2's param_shape).
        Shape paramShape;
        var axisSizes = new Dictionary<int, int>();
        foreach (int a in axes)
            axisSizes[a] = inputShape[a] ?? throw new ArgumentException($"Axis {a} of input shape {inputShape} must be known for layer '{Name}'.");
        if (axes.Length == 1) paramShape = new Shape(axisSizes[axes[0]]);
        else paramShape = new Shape(Enumerable.Range(0, rank).Select(i => axisSizes.TryGetValue(i, out int d) ? d : 1).ToArray());

        if (Scale) _gamma = AddWeight("gamma", paramShape, GammaInitializer, GammaRegularizer, GammaConstraint);
        if (Center) _beta = AddWeight("beta", paramShape, BetaInitializer, BetaRegularizer, BetaConstraint);
        _movingMean = AddWeight("moving_mean", paramShape, MovingMeanInitializer, trainable: false);
        _movingVariance = AddWeight("moving_variance", paramShape, MovingVarianceInitializer, trainable: false);

        _broadcast = new Shape(Enumerable.Range(0, rank).Select(i => axisSizes.TryGetValue(i, out int d) ? d : 1).ToArray());
        var others = Enumerable.Range(0, rank).Where(i => Array.IndexOf(axes, i) < 0);
        var perm = others.Concat(axes).ToArray();
        if (perm.Where((p, i) => p != i).Any())
        {
            _perm = perm;
            _inversePerm = new int[rank];
            for (int i = 0; i < rank; i++) _inversePerm[perm[i]] = i;
        }
        InputSpec = new InputSpec(ndim: rank, axes: axisSizes);
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        if (mask is not null && mask.Rank != inputs.Rank - 1)
            throw new ShapeMismatchException($"Layer \"{Name}\"", $"the mask should have one dimension less than the inputs. Received: mask.shape={mask.Shape}, inputs.shape={inputs.Shape}.");
        if (mask is not null && training && Trainable) return CallWithMaskedMoments(inputs, mask);
        // Moved: normalised axes last, flattened to one channel axis of C values.
        var moved = _perm is null ? inputs : Ops.Transpose(inputs, _perm);
        int channels = (int)_movingMean!.Shape.Size;
        var flat = _axes!.Length == 1 ? moved : Ops.Reshape(moved, (int)(moved.Shape.Size / channels), channels);
        var gamma = _gamma is null ? Tensor.Ones(new Shape(channels), backend: inputs.Backend) : Flat(_gamma.Value, channels);
        var beta = _beta is null ? Tensor.Zeros(new Shape(channels), backend: inputs.Backend) : Flat(_beta.Value, channels);

        Tensor y;
        // Keras runs a frozen (trainable=False) BatchNormalization in inference mode.
        if (training && Trainable)
        {
            var result = Ops.BatchNormTraining(flat, gamma, beta, Epsilon);
            UpdateMoving(_movingMean, result.Mean);
            UpdateMoving(_movingVariance!, result.Variance);
            y = result.Y;
        }
        else
        {
            y = Ops.BatchNormInference(flat, gamma, beta, Flat(_movingMean.Value, channels), Flat(_movingVariance!.Value, channels), Epsilon);
        }
        if (!ReferenceEquals(flat, moved)) y = Ops.Reshape(y, moved.Shape);
        return _inversePerm is null ? y : Ops.Transpose(y, _inversePerm);
    }

    /// <summary>
    /// Training with a mask: mean and biased variance over the kept positions only (each sum divided
    /// by the kept count + 1e-7, Keras's fuzz factor), then the usual normalisation with them.
    /// </summary>
    private Tensor CallWithMaskedMoments(Tensor inputs, Tensor mask)
    {
        var reduction = Enumerable.Range(0, inputs.Rank).Where(i => Array.IndexOf(_axes!, i) < 0).ToArray();
        var weights = Ops.BroadcastTo(Ops.ExpandDims(mask, -1), inputs.Shape);
        var count = Ops.Add(Ops.Sum(weights, reduction, keepDims: true), 1e-7f);
        var mean = Ops.Divide(Ops.Sum(Ops.Multiply(inputs, weights), reduction, keepDims: true), count);
        var centered = Ops.Subtract(inputs, mean);
        var variance = Ops.Divide(Ops.Sum(Ops.Square(Ops.Multiply(centered, weights)), reduction, keepDims: true), count);
        UpdateMoving(_movingMean!, mean);
        UpdateMoving(_movingVariance!, variance);
        var y = Ops.Multiply(centered, Ops.Rsqrt(Ops.Add(variance, Epsilon)));
        if (_gamma is not null) y = Ops.Multiply(y, Ops.Reshape(_gamma.Value, _broadcast!));
        if (_beta is not null) y = Ops.Add(y, Ops.Reshape(_beta.Value, _broadcast!));
        return y;
    }

    private static Tensor Flat(Tensor t, int channels) => t.Rank == 1 ? t : Ops.Reshape(t, channels);

    /// <summary>moving = moving·momentum + batch·(1 − momentum), outside any gradient tape.</summary>
    private void UpdateMoving(Variable moving, Tensor batch)
    {
        using var pause = GradientTape.Current?.StopRecording();
        using var kept = Ops.Multiply(moving.Value, Momentum);
        using var reshaped = Ops.Reshape(batch, moving.Shape);
        using var added = Ops.Multiply(reshaped, 1f - Momentum);
        using var next = Ops.Add(kept, added);
        moving.Assign(next);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Axis.Length == 1 ? Axis[0] : LayerConfig.ToJson(Axis);
        config["momentum"] = Momentum;
        config["epsilon"] = Epsilon;
        config["center"] = Center;
        config["scale"] = Scale;
        config["beta_initializer"] = KerasObjects.Serialize(BetaInitializer);
        config["gamma_initializer"] = KerasObjects.Serialize(GammaInitializer);
        config["moving_mean_initializer"] = KerasObjects.Serialize(MovingMeanInitializer);
        config["moving_variance_initializer"] = KerasObjects.Serialize(MovingVarianceInitializer);
        config["beta_regularizer"] = KerasObjects.Serialize(BetaRegularizer);
        config["gamma_regularizer"] = KerasObjects.Serialize(GammaRegularizer);
        config["beta_constraint"] = KerasObjects.Serialize(BetaConstraint);
        config["gamma_constraint"] = KerasObjects.Serialize(GammaConstraint);
        config["synchronized"] = Synchronized;
        return config;
    }

    public static BatchNormalization FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        if (LayerConfig.Get(config, "renorm", false))
            throw new NotSupportedException($"Layer '{LayerConfig.Name(config)}': BatchNormalization with renorm=True is not supported.");
        if (config["virtual_batch_size"] is { Type: not JTokenType.Null })
            throw new NotSupportedException($"Layer '{LayerConfig.Name(config)}': BatchNormalization with virtual_batch_size is not supported.");
        return new BatchNormalization(
            axis: ConvArgs.IntsOrInt(config["axis"]),
            momentum: LayerConfig.Get(config, "momentum", 0.99f),
            epsilon: LayerConfig.Get(config, "epsilon", 1e-3f),
            center: LayerConfig.Get(config, "center", true),
            scale: LayerConfig.Get(config, "scale", true),
            betaInitializer: KernelArgs.OptionalInitializer(config["beta_initializer"]),
            gammaInitializer: KernelArgs.OptionalInitializer(config["gamma_initializer"]),
            movingMeanInitializer: KernelArgs.OptionalInitializer(config["moving_mean_initializer"]),
            movingVarianceInitializer: KernelArgs.OptionalInitializer(config["moving_variance_initializer"]),
            betaRegularizer: KerasObjects.Regularizer(config["beta_regularizer"]),
            gammaRegularizer: KerasObjects.Regularizer(config["gamma_regularizer"]),
            betaConstraint: KerasObjects.Constraint(config["beta_constraint"]),
            gammaConstraint: KerasObjects.Constraint(config["gamma_constraint"]),
            synchronized: LayerConfig.Get(config, "synchronized", false),
            name: LayerConfig.Name(config),
            trainable: LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }
}
