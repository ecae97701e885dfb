using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// An embedding that can also run backwards (Keras/keras_hub <c>ReversibleEmbedding</c>, the
/// token part of <see cref="TokenAndPositionEmbedding"/>): forwards it looks up rows of its
/// (input_dim, output_dim) <c>embeddings</c> as <see cref="Embedding"/> does; <see cref="Reverse"/>
/// maps hidden states (…, output_dim) to logits (…, input_dim) through embeddingsᵀ, or through a
/// separate (output_dim, input_dim) <c>reverse_embeddings</c> weight when tie_weights is false.
/// Keras defaults: tie_weights=True, embeddings_initializer="uniform", mask_zero=False,
/// reverse_dtype=None, logit_soft_cap=None.
/// </summary>
public sealed class ReversibleEmbedding : Layer
{
    private Variable? _embeddings;
    private Variable? _reverseEmbeddings;

    /// <param name="inputDim">Vocabulary size.</param>
    /// <param name="outputDim">Width of each embedding vector.</param>
    /// <param name="tieWeights">Whether the reverse projection reuses the embeddings (transposed).</param>
    /// <param name="logitSoftCap">If set, reverse logits become cap·tanh(logits/cap).</param>
    public ReversibleEmbedding(int inputDim, int outputDim, bool tieWeights = true, Initializer? embeddingsInitializer = null,
        Regularizer? embeddingsRegularizer = null, Regularizer? activityRegularizer = null, Constraint? embeddingsConstraint = null,
        bool maskZero = false, string? reverseDtype = null, float? logitSoftCap = null, string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        if (inputDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputDim), $"Received an invalid value for `input_dim`, expected a positive integer. Received: input_dim={inputDim}");
        if (outputDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(outputDim), $"Received an invalid value for `output_dim`, expected a positive integer. Received: output_dim={outputDim}");
        if (reverseDtype is not null && reverseDtype != "float32")
            throw new NotSupportedException($"ReversibleEmbedding: reverse_dtype=\"{reverseDtype}\" is not supported; only float32 is.");
        InputDim = inputDim;
        OutputDim = outputDim;
        TieWeights = tieWeights;
        EmbeddingsInitializer = embeddingsInitializer ?? KerasObjects.Initializer("uniform");
        EmbeddingsRegularizer = embeddingsRegularizer;
        ActivityRegularizer = activityRegularizer;
        EmbeddingsConstraint = embeddingsConstraint;
        MaskZero = maskZero;
        ReverseDtype = reverseDtype;
        LogitSoftCap = logitSoftCap;
    }

    public override string ClassName => "ReversibleEmbedding";

    public int InputDim { get; }

    public int OutputDim { get; }

    public bool TieWeights { get; }

    public Initializer EmbeddingsInitializer { get; }

    public Regularizer? EmbeddingsRegularizer { get; }

    public Regularizer? ActivityRegularizer { get; }

    public Constraint? EmbeddingsConstraint { get; }

    public bool MaskZero { get; }

    public string? ReverseDtype { get; }

    public float? LogitSoftCap { get; }

    /// <summary>The (input_dim, output_dim) table; null before build.</summary>
    public Variable? Embeddings => _embeddings;

    /// <summary>The (output_dim, input_dim) reverse projection when tie_weights is false; else null.</summary>
    public Variable? ReverseEmbeddings => _reverseEmbeddings;

    public override void Build(KerasShape inputShape)
    {
        _embeddings = AddWeight("embeddings", new Shape(InputDim, OutputDim), EmbeddingsInitializer, EmbeddingsRegularizer, EmbeddingsConstraint);
        if (!TieWeights)
            _reverseEmbeddings = AddWeight("reverse_embeddings", new Shape(OutputDim, InputDim), EmbeddingsInitializer);
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var indices = inputs.DType is DeepNet.DType.Int32 or DeepNet.DType.Int64 ? inputs : Ops.Cast(inputs, DeepNet.DType.Int32);
        var y = Ops.Gather(_embeddings!.Value, indices, 0);
        if (ActivityRegularizer is not null) AddLoss(Ops.Divide(ActivityRegularizer.Call(y), inputs.Rank > 0 ? inputs.Shape[0] : 1));
        return y;
    }

    /// <summary>Keras <c>call(inputs, reverse=True)</c>: hidden states (…, output_dim) → logits (…, input_dim).</summary>
    public Tensor Reverse(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!Built) throw new InvalidOperationException($"Layer '{Name}' is not built; call it forwards (or Build it) first.");
        if (inputs.Rank < 1 || inputs.Shape[-1] != OutputDim)
            throw new ShapeMismatchException(Name, $"reverse inputs must end in output_dim={OutputDim}; got {inputs.Shape}.");
        var logits = TieWeights
            ? Ops.MatMul(Ops.Reshape(inputs, -1, OutputDim), _embeddings!.Value, transposeB: true)
            : Ops.MatMul(Ops.Reshape(inputs, -1, OutputDim), _reverseEmbeddings!.Value);
        logits = Ops.Reshape(logits, [.. inputs.Shape.ToArray()[..^1], InputDim]);
        if (LogitSoftCap is float cap) logits = Ops.Multiply(Ops.Tanh(Ops.Divide(logits, cap)), cap);
        return logits;
    }

    /// <summary>With mask_zero, 1 where the index is not 0; else no mask.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask)
    {
        if (!MaskZero) return null;
        using (NoTape.Begin()) return AttentionMasks.ToBinary(inputs);
    }

    public override KerasShape ComputeOutputShape(KerasShape inputShape) => new([.. inputShape.ToArray(), OutputDim]);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["input_dim"] = InputDim;
        config["output_dim"] = OutputDim;
        config["embeddings_initializer"] = KerasObjects.Serialize(EmbeddingsInitializer);
        config["embeddings_regularizer"] = KerasObjects.Serialize(EmbeddingsRegularizer);
        config["activity_regularizer"] = KerasObjects.Serialize(ActivityRegularizer);
        config["embeddings_constraint"] = KerasObjects.Serialize(EmbeddingsConstraint);
        config["mask_zero"] = MaskZero;
        config["quantization_config"] = null;
        config["tie_weights"] = TieWeights;
        config["reverse_dtype"] = ReverseDtype;
        config["logit_soft_cap"] = LogitSoftCap;
        return config;
    }

    public static ReversibleEmbedding FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new ReversibleEmbedding(
            inputDim: config.Value<int>("input_dim"),
            outputDim: config.Value<int>("output_dim"),
            tieWeights: LayerConfig.Get(config, "tie_weights", true),
            embeddingsInitializer: config["embeddings_initializer"] is { Type: not JTokenType.Null } e ? KerasObjects.Initializer(e) : null,
            embeddingsRegularizer: KerasObjects.Regularizer(config["embeddings_regularizer"]),
            activityRegularizer: KerasObjects.Regularizer(config["activity_regularizer"]),
            embeddingsConstraint: KerasObjects.Constraint(config["embeddings_constraint"]),
            maskZero: LayerConfig.Get(config, "mask_zero", false),
            reverseDtype: config.Value<string?>("reverse_dtype"),
            logitSoftCap: config["logit_soft_cap"] is { Type: JTokenType.Float or JTokenType.Integer } c ? c.Value<float>() : null,
            name: LayerConfig.Name(config),
            trainable: LayerConfig.Trainable(config));
    }
}
