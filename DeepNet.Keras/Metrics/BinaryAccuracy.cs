using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// How often y_pred &gt; threshold matches a 0/1 label (Keras <c>BinaryAccuracy</c>, name
/// "binary_accuracy", threshold 0.5, strict comparison).
/// </summary>
public sealed class BinaryAccuracy : MeanMetricWrapper
{
    public BinaryAccuracy(string name = "binary_accuracy", double threshold = 0.5) : base(name) => Threshold = threshold;

    public double Threshold { get; }

    public override string ClassName => "BinaryAccuracy";

    private protected override (HostArray Values, HostArray? Mask) Evaluate(Tensor yTrue, Tensor yPred)
    {
        var (t, p) = HostArray.SqueezeOrExpand(HostArray.Read(yTrue), HostArray.Read(yPred));
        var shape = t.Rank >= p.Rank ? t.Shape : p.Shape;
        t = t.BroadcastTo(shape, Name);
        p = p.BroadcastTo(shape, Name);
        float threshold = (float)Threshold;
        var matches = new double[t.Length];
        for (int i = 0; i < matches.Length; i++)
        {
            double predicted = (float)p.Data[i] > threshold ? 1.0 : 0.0;
            matches[i] = t.Data[i] == predicted ? 1 : 0;
        }
        return (new HostArray(matches, shape), null);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["threshold"] = Threshold;
        return config;
    }

    public static new BinaryAccuracy FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new BinaryAccuracy(config.Value<string?>("name") ?? "binary_accuracy", config.Value<double?>("threshold") ?? 0.5);
    }
}
