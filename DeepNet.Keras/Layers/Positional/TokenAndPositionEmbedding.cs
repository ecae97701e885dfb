using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Token embedding plus learned position embedding (keras_hub <c>TokenAndPositionEmbedding</c>):
/// token ids (…, length) → <see cref="ReversibleEmbedding"/> "token_embedding"
/// (vocabulary_size, embedding_dim) + <see cref="PositionEmbedding"/> "position_embedding"
/// (sequence_length, embedding_dim) → (…, length, embedding_dim). Weights in keras_hub's order:
/// token_embedding/embeddings (then token_embedding/reverse_embeddings when tie_weights is
/// false), position_embedding/embeddings. With mask_zero the output is masked where the id is 0.
/// keras_hub defaults: tie_weights=True, embeddings_initializer="uniform", mask_zero=False.
/// </summary>
public sealed class TokenAndPositionEmbedding : Layer
{
    public TokenAndPositionEmbedding(int vocabularySize, int sequenceLength, int embeddingDim, bool tieWeights = true,
        Initializer? embeddingsInitializer = null, bool maskZero = false, string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        if (vocabularySize <= 0)
            throw new ArgumentOutOfRangeException(nameof(vocabularySize), $"`vocabulary_size` must be a positive integer, received {vocabularySize}.");
        if (sequenceLength <= 0)
            throw new ArgumentOutOfRangeException(nameof(sequenceLength), $"`sequence_length` must be a positive integer, received {sequenceLength}.");
        if (embeddingDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(embeddingDim), $"`embedding_dim` must be a positive integer, received {embeddingDim}.");
        VocabularySize = vocabularySize;
        SequenceLength = sequenceLength;
        EmbeddingDim = embeddingDim;
        EmbeddingsInitializer = embeddingsInitializer ?? KerasObjects.Initializer("uniform");
        // Unseeded initializers draw afresh on every call, so both sublayers may share this one.
        TokenEmbedding = Track(new ReversibleEmbedding(vocabularySize, embeddingDim, tieWeights, EmbeddingsInitializer,
            maskZero: maskZero, name: "token_embedding", trainable: trainable));
        PositionEmbedding = Track(new PositionEmbedding(sequenceLength, EmbeddingsInitializer, "position_embedding", trainable));
    }

    public override string ClassName => "TokenAndPositionEmbedding";

    public int VocabularySize { get; }

    public int SequenceLength { get; }

    public int EmbeddingDim { get; }

    public Initializer EmbeddingsInitializer { get; }

    public bool TieWeights => TokenEmbedding.TieWeights;

    public bool MaskZero => TokenEmbedding.MaskZero;

    public ReversibleEmbedding TokenEmbedding { get; }

    public PositionEmbedding PositionEmbedding { get; }

    /// <summary>keras_hub keeps its parts in <c>token_embedding</c> and <c>position_embedding</c>.</summary>
    protected internal override string? SublayerAttributeName(Layer sublayer) =>
        ReferenceEquals(sublayer, TokenEmbedding) ? "token_embedding" : ReferenceEquals(sublayer, PositionEmbedding) ? "position_embedding" : null;

    public override void Build(KerasShape inputShape)
    {
        TokenEmbedding.EnsureBuilt(inputShape);
        PositionEmbedding.EnsureBuilt(new KerasShape([.. inputShape.ToArray(), EmbeddingDim]));
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) => Call(inputs, startIndex: 0);

    /// <summary>Token embeddings plus the embeddings of positions start_index, start_index+1, ….</summary>
    public Tensor Call(Tensor inputs, int startIndex)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        EnsureBuilt(KerasShape.Of(inputs.Shape));
        var tokens = TokenEmbedding.Call(inputs);
        return Ops.Add(tokens, PositionEmbedding.Call(tokens, startIndex));
    }

    /// <summary>The token embedding's mask (mask_zero), as keras_hub sets on the output.</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => TokenEmbedding.ComputeMask(inputs, mask);

    public override KerasShape ComputeOutputShape(KerasShape inputShape) => new([.. inputShape.ToArray(), EmbeddingDim]);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["vocabulary_size"] = VocabularySize;
        config["sequence_length"] = SequenceLength;
        config["embedding_dim"] = EmbeddingDim;
        config["embeddings_initializer"] = KerasObjects.Serialize(EmbeddingsInitializer);
        config["tie_weights"] = TieWeights;
        config["mask_zero"] = MaskZero;
        return config;
    }

    public static TokenAndPositionEmbedding FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new TokenAndPositionEmbedding(
            vocabularySize: config.Value<int>("vocabulary_size"),
            sequenceLength: config.Value<int>("sequence_length"),
            embeddingDim: config.Value<int>("embedding_dim"),
            tieWeights: LayerConfig.Get(config, "tie_weights", true),
            embeddingsInitializer: config["embeddings_initializer"] is { Type: not JTokenType.Null } e ? KerasObjects.Initializer(e) : null,
            maskZero: LayerConfig.Get(config, "mask_zero", false),
            name: LayerConfig.Name(config),
            trainable: LayerConfig.Trainable(config));
    }
}
