using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// A learned embedding per position (keras_hub <c>PositionEmbedding</c>): for inputs
/// (…, length, features) it returns rows start_index … start_index+length−1 of its
/// (sequence_length, features) <c>embeddings</c> weight, broadcast to the input's shape. Only
/// the input's shape is used; add the result to the inputs. No masking.
/// keras_hub defaults: initializer="glorot_uniform".
/// </summary>
public sealed class PositionEmbedding : Layer
{
    private Variable? _embeddings;

    /// <param name="sequenceLength">The longest sequence the layer can embed.</param>
    public PositionEmbedding(int sequenceLength, Initializer? initializer = null, string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        if (sequenceLength <= 0)
            throw new ArgumentOutOfRangeException(nameof(sequenceLength), $"`sequence_length` must be a positive integer, received {sequenceLength}.");
        SequenceLength = sequenceLength;
        Initializer = initializer ?? KerasObjects.Initializer("glorot_uniform");
    }

    public override string ClassName => "PositionEmbedding";

    public int SequenceLength { get; }

    public Initializer Initializer { get; }

    /// <summary>The (sequence_length, features) table; null before build.</summary>
    public Variable? Embeddings => _embeddings;

    public override void Build(KerasShape inputShape)
    {
        if (inputShape.Rank < 2)
            throw new ShapeMismatchException(Name, $"PositionEmbedding expects inputs (…, sequence, features), got {inputShape}.");
        int features = inputShape.Last ?? throw new ArgumentException($"Layer '{Name}': the last dimension of the input must be known, received {inputShape}.");
        _embeddings = AddWeight("embeddings", new Shape(SequenceLength, features), Initializer);
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) => Call(inputs, startIndex: 0);

    /// <summary>The embeddings of positions start_index, start_index+1, … broadcast to the input's shape.</summary>
    public Tensor Call(Tensor inputs, int startIndex)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank < 2)
            throw new ShapeMismatchException(Name, $"PositionEmbedding expects inputs (…, sequence, features), got {inputs.Shape}.");
        EnsureBuilt(KerasShape.Of(inputs.Shape));
        int length = inputs.Shape[-2], features = inputs.Shape[-1];
        var table = _embeddings!.Value;
        if (features != table.Shape[1])
            throw new ShapeMismatchException(Name, $"inputs {inputs.Shape} have {features} features but the embeddings {table.Shape} have {table.Shape[1]}.");
        if (startIndex < 0 || startIndex + length > SequenceLength)
            throw new ShapeMismatchException(Name, $"positions {startIndex}…{startIndex + length - 1} of inputs {inputs.Shape} exceed sequence_length={SequenceLength}.");
        var rows = Ops.Slice(table, [startIndex, 0], [length, features]);
        return Ops.BroadcastTo(rows, inputs.Shape);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["sequence_length"] = SequenceLength;
        config["initializer"] = KerasObjects.Serialize(Initializer);
        return config;
    }

    public static PositionEmbedding FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        return new PositionEmbedding(
            sequenceLength: config.Value<int>("sequence_length"),
            initializer: config["initializer"] is { Type: not JTokenType.Null } i ? KerasObjects.Initializer(i) : null,
            name: LayerConfig.Name(config),
            trainable: LayerConfig.Trainable(config));
    }
}
