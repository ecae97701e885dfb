using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>
/// Negative cosine similarity along <see cref="Axis"/> (Keras <c>CosineSimilarity</c>, axis −1):
/// −Σ l2_normalize(y_true)·l2_normalize(y_pred), where a vector is divided by
/// max(‖x‖, ε) (Keras's <c>normalize</c>: x·min(rsqrt(Σx²), 1/ε)). Values lie in [−1, 1];
/// −1 means the vectors point the same way.
/// </summary>
public sealed class CosineSimilarity : Loss
{
    public CosineSimilarity(int axis = -1, Reduction reduction = Reduction.SumOverBatchSize, string name = "cosine_similarity") : base(name, reduction) => Axis = axis;

    public int Axis { get; }

    public override string ClassName => "CosineSimilarity";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        var t = Normalize(yTrue, Axis);
        var p = Normalize(yPred, Axis);
        return Ops.Negate(Ops.Sum(Ops.Multiply(t, p), [Axis]));
    }

    /// <summary>x / max(‖x‖₂, ε) along an axis; the clamp sits under the square root so a zero vector has a finite gradient.</summary>
    internal static Tensor Normalize(Tensor x, int axis)
    {
        var squareSum = Ops.Sum(Ops.Square(x), [axis], keepDims: true);
        return Ops.Multiply(x, Ops.Rsqrt(Ops.Maximum(squareSum, Epsilon * Epsilon)));
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = Axis;
        return config;
    }

    public static CosineSimilarity FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new CosineSimilarity(config.Value<int?>("axis") ?? -1, ReadReduction(config), ReadName(config, "cosine_similarity"));
    }
}
