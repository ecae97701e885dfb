using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// How often the integer label is among the k highest predictions (Keras
/// <c>SparseTopKCategoricalAccuracy</c>, name "sparse_top_k_categorical_accuracy", k 5).
/// </summary>
public sealed class SparseTopKCategoricalAccuracy : MeanMetricWrapper
{
    public SparseTopKCategoricalAccuracy(int k = 5, string name = "sparse_top_k_categorical_accuracy") : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        K = k;
    }

    public int K { get; }

    public override string ClassName => "SparseTopKCategoricalAccuracy";

    private protected override (HostArray Values, HostArray? Mask) Evaluate(Tensor yTrue, Tensor yPred)
    {
        var t = HostArray.Read(yTrue);
        var p = HostArray.Read(yPred);
        if (p.Rank == 0 || t.Length != p.Length / p.Last)
            throw new ShapeMismatchException(Name, $"labels {yTrue.Shape} must hold one class index per row of predictions {yPred.Shape}.");
        var targets = new int[t.Length];
        for (int i = 0; i < targets.Length; i++) targets[i] = (int)t.Data[i];
        return (new HostArray(TopK.InTopK(targets, p, K), t.Shape), null);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["k"] = K;
        return config;
    }

    public static new SparseTopKCategoricalAccuracy FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new SparseTopKCategoricalAccuracy(config.Value<int?>("k") ?? 5, config.Value<string?>("name") ?? "sparse_top_k_categorical_accuracy");
    }
}
