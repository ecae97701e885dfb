using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// Binary cross-entropy as a metric (Keras metric <c>BinaryCrossentropy</c>, name
/// "binary_crossentropy", from_logits false, label_smoothing 0): the weighted mean of the
/// per-sample loss.
/// </summary>
public sealed class BinaryCrossentropy : MeanMetricWrapper
{
    public BinaryCrossentropy(string name = "binary_crossentropy", bool fromLogits = false, double labelSmoothing = 0.0)
        : base(new Losses.BinaryCrossentropy(fromLogits, labelSmoothing, reduction: Reduction.None), name)
    {
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
    }

    public bool FromLogits { get; }

    public double LabelSmoothing { get; }

    public override string ClassName => "BinaryCrossentropy";

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["from_logits"] = FromLogits;
        config["label_smoothing"] = LabelSmoothing;
        return config;
    }

    public static new BinaryCrossentropy FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new BinaryCrossentropy(config.Value<string?>("name") ?? "binary_crossentropy",
            config.Value<bool?>("from_logits") ?? false, config.Value<double?>("label_smoothing") ?? 0.0);
    }
}
