using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// Mean cosine similarity between labels and predictions along <see cref="Axis"/> (Keras metric
/// <c>CosineSimilarity</c>, name "cosine_similarity", axis −1): +1 when they point the same way
/// (the loss of the same name is its negative).
/// </summary>
public sealed class CosineSimilarity : MeanMetricWrapper
{
    public CosineSimilarity(string name = "cosine_similarity", int axis = -1)
        : base(Similarity(axis), name) => Axis = axis;

    public int Axis { get; }

    public override string ClassName => "CosineSimilarity";

    private static Func<Tensor, Tensor, Tensor> Similarity(int axis)
    {
        var loss = new Losses.CosineSimilarity(axis, Reduction.None);
        return (yTrue, yPred) => Ops.Negate(loss.Call(yTrue, yPred));
    }

    // Keras's get_config for this metric lists only name and dtype.
    public static new CosineSimilarity FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "cosine_similarity", config?.Value<int?>("axis") ?? -1);
}
