using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// How often argmax(y_pred) equals an integer class label (Keras
/// <c>SparseCategoricalAccuracy</c>, name "sparse_categorical_accuracy"). Labels have shape
/// (N,) or (N, 1); ties in y_pred go to the first index.
/// </summary>
public sealed class SparseCategoricalAccuracy : MeanMetricWrapper
{
    public SparseCategoricalAccuracy(string name = "sparse_categorical_accuracy") : base(name) { }

    public override string ClassName => "SparseCategoricalAccuracy";

    private protected override (HostArray Values, HostArray? Mask) Evaluate(Tensor yTrue, Tensor yPred)
    {
        var t = HostArray.Read(yTrue);
        var p = HostArray.Read(yPred);
        if (t.Rank == p.Rank && t.Rank > 0 && t.Last == 1) t = t.WithShape(t.Shape[..^1]);
        var predClass = p.ArgMaxLast();
        if (p.Rank == 0 || t.Length != predClass.Length)
            throw new ShapeMismatchException(Name, $"labels {yTrue.Shape} must hold one class index per row of predictions {yPred.Shape}.");
        var matches = new double[t.Length];
        // Keras compares the label (as float32) with the argmax index.
        for (int i = 0; i < matches.Length; i++) matches[i] = (float)t.Data[i] == predClass[i] ? 1 : 0;
        return (new HostArray(matches, t.Shape), null);
    }

    public static new SparseCategoricalAccuracy FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "sparse_categorical_accuracy");
}
