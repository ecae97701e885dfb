using DeepNet.Keras.Losses;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// Sparse categorical cross-entropy as a metric (Keras metric
/// <c>SparseCategoricalCrossentropy</c>, name "sparse_categorical_crossentropy", from_logits
/// false, ignore_class null, axis −1); entries of the ignored class do not count.
/// </summary>
public sealed class SparseCategoricalCrossentropy : MeanMetricWrapper
{
    public SparseCategoricalCrossentropy(string name = "sparse_categorical_crossentropy", bool fromLogits = false, int? ignoreClass = null, int axis = -1)
        : base(new Losses.SparseCategoricalCrossentropy(fromLogits, ignoreClass, Reduction.None, axis), name)
    {
        FromLogits = fromLogits;
        IgnoreClass = ignoreClass;
        Axis = axis;
    }

    public bool FromLogits { get; }

    public int? IgnoreClass { get; }

    public int Axis { get; }

    public override string ClassName => "SparseCategoricalCrossentropy";

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["from_logits"] = FromLogits;
        config["ignore_class"] = IgnoreClass is int c ? new JValue(c) : JValue.CreateNull();
        config["axis"] = Axis;
        return config;
    }

    public static new SparseCategoricalCrossentropy FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new SparseCategoricalCrossentropy(config.Value<string?>("name") ?? "sparse_categorical_crossentropy",
            config.Value<bool?>("from_logits") ?? false, config.Value<int?>("ignore_class"), config.Value<int?>("axis") ?? -1);
    }
}
