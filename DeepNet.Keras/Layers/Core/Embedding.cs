using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Turns integer indices into dense vectors (Keras <c>keras.layers.Embedding</c>): row i of the
/// (input_dim, output_dim) <c>embeddings</c> matrix for each index i, so (…) → (…, output_dim).
/// Indices may be int32/int64 or float tensors holding integers (a model's inputs are float).
/// With <c>mask_zero</c>, index 0 is padding and the output carries a mask that is 0 there.
/// Keras defaults: embeddings_initializer=RandomUniform(-0.05, 0.05), mask_zero=False.
/// </summary>
public sealed class Embedding : Layer
{
    private Variable? _embeddings;

    /// <param name="inputDim">Vocabulary size: the largest index + 1.</param>
    /// <param name="outputDim">Width of each embedding vector.</param>
    /// <param name="maskZero">Whether index 0 is padding to be masked in later layers.</param>
    /// <param name="inputLength">Keras 2 <c>input_length</c>: the sequence length of a first layer.</param>
    public Embedding(int inputDim, int outputDim, Initializer? embeddingsInitializer = null,
        Regularizer? embeddingsRegularizer = null, Regularizer? activityRegularizer = null,
        Constraint? embeddingsConstraint = null, bool maskZero = false, int? inputLength = null,
        string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        if (inputDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputDim), $"Received an invalid value for `input_dim`, expected a positive integer. Received: input_dim={inputDim}");
        if (outputDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(outputDim), $"Received an invalid value for `output_dim`, expected a positive integer. Received: output_dim={outputDim}");
        InputDim = inputDim;
        OutputDim = outputDim;
        EmbeddingsInitializer = embeddingsInitializer ?? KerasObjects.Initializer("random_uniform");
        EmbeddingsRegularizer = embeddingsRegularizer;
        ActivityRegularizer = activityRegularizer;
        EmbeddingsConstraint = embeddingsConstraint;
        MaskZero = maskZero;
        InputLength = inputLength;
        if (inputLength is int n) InputShape = [n];
    }

    public override string ClassName => "Embedding";

    public int InputDim { get; }

    public int OutputDim { get; }

    public Initializer EmbeddingsInitializer { get; }

    public Regularizer? EmbeddingsRegularizer { get; }

    public Regularizer? ActivityRegularizer { get; }

    public Constraint? EmbeddingsConstraint { get; }

    public bool MaskZero { get; }

    /// <summary>Keras 2's <c>input_length</c>, kept so such configs round-trip; null otherwise.</summary>
    public int? InputLength { get; }

    /// <summary>The (input_dim, output_dim) table; null before build.</summary>
    public Variable? Embeddings => _embeddings;

    public override void Build(KerasShape inputShape)
    {
        _embeddings = AddWeight("embeddings", new Shape(InputDim, OutputDim), EmbeddingsInitializer,
            EmbeddingsRegularizer, EmbeddingsConstraint);
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        // Float inputs hold integers: cast (exact below 2^24) so the gather sees indices.
        var indices = inputs.DType is DeepNet.DType.Int32 or DeepNet.DType.Int64 ? inputs : Ops.Cast(inputs, DeepNet.DType.Int32);
        var y = Ops.Gather(_embeddings!.Value, indices, 0);
        if (ActivityRegularizer is not null) AddLoss(Ops.Divide(ActivityRegularizer.Call(y), inputs.Shape.Rank > 0 ? inputs.Shape[0] : 1));
        return y;
    }

    /// <summary>With mask_zero, 1 where the index is not 0 (shape of the indices); else no mask.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask)
    {
        if (!MaskZero) return null;
        using (NoTape.Begin())
        {
            var asFloat = inputs.DType == DeepNet.DType.Float32 ? inputs : Ops.Cast(inputs, DeepNet.DType.Float32);
            using var zero = Tensor.Zeros(new Shape(1), DeepNet.DType.Float32, inputs.Backend);
            return Ops.NotEqual(asFloat, zero);
        }
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
        if (InputLength is int n) config["input_length"] = n;
        return config;
    }

    public static Embedding FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        int? inputLength = config["input_length"] is { Type: JTokenType.Integer } l ? l.Value<int>() : null;
        var layer = new Embedding(
            inputDim: config.Value<int>("input_dim"),
            outputDim: config.Value<int>("output_dim"),
            embeddingsInitializer: config["embeddings_initializer"] is { Type: not JTokenType.Null } e ? KerasObjects.Initializer(e) : null,
            embeddingsRegularizer: KerasObjects.Regularizer(config["embeddings_regularizer"]),
            activityRegularizer: KerasObjects.Regularizer(config["activity_regularizer"]),
            embeddingsConstraint: KerasObjects.Constraint(config["embeddings_constraint"]),
            maskZero: LayerConfig.Get(config, "mask_zero", false),
            inputLength: inputLength,
            name: LayerConfig.Name(config),
            trainable: LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) ?? (inputLength is int n ? [n] : null) };
        return layer;
    }
}
