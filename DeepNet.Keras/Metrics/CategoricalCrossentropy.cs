using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// Categorical cross-entropy as a metric (Keras metric <c>CategoricalCrossentropy</c>, name
/// "categorical_crossentropy", from_logits false, label_smoothing 0, axis −1).
/// </summary>
public sealed class CategoricalCrossentropy : MeanMetricWrapper
{
    public CategoricalCrossentropy(string name = "categorical_crossentropy", bool fromLogits = false, double labelSmoothing = 0.0, int axis = -1)
        : base(new Losses.CategoricalCrossentropy(fromLogits, labelSmoothing, axis, Reduction.None), name)
    {
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
        Axis = axis;
    }

    public bool FromLogits { get; }

    public double LabelSmoothing { get; }

    public int Axis { get; }

    public override string ClassName => "CategoricalCrossentropy";

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["from_logits"] = FromLogits;
        config["label_smoothing"] = LabelSmoothing;
        config["axis"] = Axis;
        return config;
    }

    public static new CategoricalCrossentropy FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new CategoricalCrossentropy(config.Value<string?>("name") ?? "categorical_crossentropy",
            config.Value<bool?>("from_logits") ?? false, config.Value<double?>("label_smoothing") ?? 0.0, config.Value<int?>("axis") ?? -1);
    }
}
