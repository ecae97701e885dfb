using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// How often the one-hot label's class is among the k highest predictions (Keras
/// <c>TopKCategoricalAccuracy</c>, name "top_k_categorical_accuracy", k 5).
/// </summary>
public sealed class TopKCategoricalAccuracy : MeanMetricWrapper
{
    public TopKCategoricalAccuracy(int k = 5, string name = "top_k_categorical_accuracy") : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        K = k;
    }

    public int K { get; }

    public override string ClassName => "TopKCategoricalAccuracy";

    private protected override (HostArray Values, HostArray? Mask) Evaluate(Tensor yTrue, Tensor yPred)
    {
        var t = HostArray.Read(yTrue);
        var p = HostArray.Read(yPred);
        var targets = t.ArgMaxLast();
        if (p.Rank == 0 || targets.Length != p.Length / p.Last)
            throw new ShapeMismatchException(Name, $"one-hot labels {yTrue.Shape} and predictions {yPred.Shape} must have the same number of rows.");
        return (new HostArray(TopK.InTopK(targets, p, K), t.Shape[..^1]), null);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["k"] = K;
        return config;
    }

    public static new TopKCategoricalAccuracy FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new TopKCategoricalAccuracy(config.Value<int?>("k") ?? 5, config.Value<string?>("name") ?? "top_k_categorical_accuracy");
    }
}
