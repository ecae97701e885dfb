using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// How often argmax(y_pred) equals argmax(y_true) for one-hot labels (Keras
/// <c>CategoricalAccuracy</c>, name "categorical_accuracy"); ties go to the first index.
/// </summary>
public sealed class CategoricalAccuracy : MeanMetricWrapper
{
    public CategoricalAccuracy(string name = "categorical_accuracy") : base(name) { }

    public override string ClassName => "CategoricalAccuracy";

    private protected override (HostArray Values, HostArray? Mask) Evaluate(Tensor yTrue, Tensor yPred)
    {
        var t = HostArray.Read(yTrue);
        var p = HostArray.Read(yPred);
        if (t.Rank == 0 || p.Rank == 0 || t.Length / t.Last != p.Length / p.Last)
            throw new ShapeMismatchException(Name, $"one-hot labels {yTrue.Shape} and predictions {yPred.Shape} must have the same number of rows.");
        var trueClass = t.ArgMaxLast();
        var predClass = p.ArgMaxLast();
        var matches = new double[trueClass.Length];
        for (int i = 0; i < matches.Length; i++) matches[i] = trueClass[i] == predClass[i] ? 1 : 0;
        return (new HostArray(matches, t.Shape[..^1]), null);
    }

    public static new CategoricalAccuracy FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "categorical_accuracy");
}
