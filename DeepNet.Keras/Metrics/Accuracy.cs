using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// How often predictions equal labels exactly (Keras <c>Accuracy</c>, name "accuracy"). For
/// class probabilities use the string "accuracy" in Compile, which picks binary, categorical
/// or sparse categorical accuracy from the shapes (<see cref="Metrics.Resolve"/>).
/// </summary>
public sealed class Accuracy : MeanMetricWrapper
{
    public Accuracy(string name = "accuracy") : base(name) { }

    public override string ClassName => "Accuracy";

    private protected override (HostArray Values, HostArray? Mask) Evaluate(Tensor yTrue, Tensor yPred)
    {
        var (t, p) = HostArray.SqueezeOrExpand(HostArray.Read(yTrue), HostArray.Read(yPred));
        var shape = t.Rank >= p.Rank ? t.Shape : p.Shape;
        t = t.BroadcastTo(shape, Name);
        p = p.BroadcastTo(shape, Name);
        var matches = new double[t.Length];
        // Keras compares in the prediction dtype (float32).
        for (int i = 0; i < matches.Length; i++) matches[i] = (float)t.Data[i] == (float)p.Data[i] ? 1 : 0;
        return (new HostArray(matches, shape), null);
    }

    public static new Accuracy FromConfig(JObject config) => new(config?.Value<string?>("name") ?? "accuracy");
}
