using DeepNet.Keras.Utils;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// The metric registry (Keras <c>keras.metrics.get/serialize/deserialize</c>) and Compile's
/// metric resolution. Names are Keras's class names, their snake_case forms (<c>auc</c>,
/// <c>categorical_accuracy</c>, <c>root_mean_squared_error</c>) and aliases (<c>mse</c>,
/// <c>MAE</c>, <c>bce</c>, ...).
/// </summary>
public static class Metrics
{
    private static readonly KerasRegistry<Metric> s_registry = Build();

    private static KerasRegistry<Metric> Build()
    {
        var r = new KerasRegistry<Metric>("metric", "keras.metrics");
        r.Register("Mean", Mean.FromConfig, "mean");
        r.Register("Accuracy", Accuracy.FromConfig, "accuracy");
        r.Register("BinaryAccuracy", BinaryAccuracy.FromConfig, "binary_accuracy");
        r.Register("CategoricalAccuracy", CategoricalAccuracy.FromConfig, "categorical_accuracy");
        r.Register("SparseCategoricalAccuracy", SparseCategoricalAccuracy.FromConfig, "sparse_categorical_accuracy");
        r.Register("TopKCategoricalAccuracy", TopKCategoricalAccuracy.FromConfig, "top_k_categorical_accuracy");
        r.Register("SparseTopKCategoricalAccuracy", SparseTopKCategoricalAccuracy.FromConfig, "sparse_top_k_categorical_accuracy");
        r.Register("Precision", Precision.FromConfig, "precision");
        r.Register("Recall", Recall.FromConfig, "recall");
        r.Register("AUC", AUC.FromConfig, "auc");
        r.Register("MeanSquaredError", MeanSquaredError.FromConfig, "mean_squared_error", "mse", "MSE");
        r.Register("MeanAbsoluteError", MeanAbsoluteError.FromConfig, "mean_absolute_error", "mae", "MAE");
        r.Register("MeanAbsolutePercentageError", MeanAbsolutePercentageError.FromConfig, "mean_absolute_percentage_error", "mape", "MAPE");
        r.Register("MeanSquaredLogarithmicError", MeanSquaredLogarithmicError.FromConfig, "mean_squared_logarithmic_error", "msle", "MSLE");
        r.Register("RootMeanSquaredError", RootMeanSquaredError.FromConfig, "root_mean_squared_error");
        r.Register("BinaryCrossentropy", BinaryCrossentropy.FromConfig, "binary_crossentropy", "bce", "BCE");
        r.Register("CategoricalCrossentropy", CategoricalCrossentropy.FromConfig, "categorical_crossentropy");
        r.Register("SparseCategoricalCrossentropy", SparseCategoricalCrossentropy.FromConfig, "sparse_categorical_crossentropy");
        r.Register("Hinge", Hinge.FromConfig, "hinge");
        r.Register("SquaredHinge", SquaredHinge.FromConfig, "squared_hinge");
        r.Register("CategoricalHinge", CategoricalHinge.FromConfig, "categorical_hinge");
        r.Register("KLDivergence", KLDivergence.FromConfig, "kl_divergence");
        r.Register("Poisson", Poisson.FromConfig, "poisson");
        r.Register("LogCoshError", LogCoshError.FromConfig, "log_cosh_error", "logcosh");
        r.Register("CosineSimilarity", CosineSimilarity.FromConfig, "cosine_similarity");
        r.Register("MeanMetricWrapper", FromWrapperConfig);
        r.Register("TruePositives", TruePositives.FromConfig, "true_positives");
        r.Register("FalsePositives", FalsePositives.FromConfig, "false_positives");
        r.Register("TrueNegatives", TrueNegatives.FromConfig, "true_negatives");
        r.Register("FalseNegatives", FalseNegatives.FromConfig, "false_negatives");
        return r;
    }

    /// <summary>
    /// A serialized <c>MeanMetricWrapper</c> (how Keras 2 files store compiled metrics:
    /// <c>{"name": "accuracy", "dtype": "float32", "fn": "categorical_accuracy"}</c>; Keras 3 writes
    /// <c>fn</c> as a serialized function): the built-in metric of that function, with the
    /// wrapper's name and any extra arguments (<c>threshold</c>, <c>k</c>, ...).
    /// </summary>
    private static Metric FromWrapperConfig(JObject config)
    {
        var fnToken = config["fn"];
        string? fn = fnToken switch
        {
            JValue { Type: JTokenType.String } v => (string?)v,
            JObject o when o["config"] is JValue { Type: JTokenType.String } c => (string?)c,
            _ => null,
        };
        if (fn is null || !s_registry.Contains(fn))
            throw new ArgumentException($"MeanMetricWrapper: cannot rebuild the metric function {fnToken?.ToString(Newtonsoft.Json.Formatting.None) ?? "(missing)"}; only Keras's built-in metric functions can be read.");
        var inner = (JObject)config.DeepClone();
        inner.Remove("fn");
        var metric = s_registry.Get(new JObject { ["class_name"] = fn, ["config"] = inner });
        metric.Name = config.Value<string?>("name") ?? fn;
        return metric;
    }

    /// <summary>A metric from its Keras name, with default arguments (Keras <c>keras.metrics.get</c>).</summary>
    public static Metric Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_registry.Get(name);
    }

    /// <summary>A metric from a name or a serialized object; null for a JSON null.</summary>
    public static Metric? Get(JToken? identifier) =>
        identifier is null || identifier.Type == JTokenType.Null ? null : s_registry.Get(identifier);

    /// <summary>
    /// What Compile does with a metric string (Keras <c>compile_utils.get_metric</c>):
    /// "accuracy"/"acc" (any case) become binary accuracy when the predictions' last axis is 1,
    /// sparse categorical accuracy when the labels have a lower rank or a last axis of 1 (and
    /// the predictions more than one class), else categorical accuracy; "crossentropy"/"ce"
    /// pick the cross-entropy the same way (Keras 2); other names go through
    /// <see cref="Get(string)"/>. The metric is named with the string as given.
    /// </summary>
    public static Metric Resolve(string name, Shape yTrue, Shape yPred)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        Metric metric;
        if (name.Equals("accuracy", StringComparison.OrdinalIgnoreCase) || name.Equals("acc", StringComparison.OrdinalIgnoreCase))
        {
            var (isBinary, isSparse) = ClassifyLabels(yTrue, yPred);
            metric = isBinary ? new BinaryAccuracy(name)
                : isSparse ? new SparseCategoricalAccuracy(name)
                : new CategoricalAccuracy(name);
        }
        else if (name.Equals("crossentropy", StringComparison.OrdinalIgnoreCase) || name.Equals("ce", StringComparison.OrdinalIgnoreCase))
        {
            // Keras 2's rule for these strings; Keras 3 only resolves them as losses.
            var (isBinary, isSparse) = ClassifyLabels(yTrue, yPred);
            metric = isBinary ? new BinaryCrossentropy(name)
                : isSparse ? new SparseCategoricalCrossentropy(name)
                : new CategoricalCrossentropy(name);
        }
        else metric = Get(name);
        metric.Name = name;
        return metric;
    }

    /// <summary>
    /// Keras's <c>is_binary_or_sparse_categorical</c>: binary when the predictions' last axis is
    /// 1; sparse when the labels have a lower rank, or a last axis of 1 against several classes.
    /// </summary>
    public static (bool IsBinary, bool IsSparseCategorical) ClassifyLabels(Shape yTrue, Shape yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        int trueLast = yTrue.Rank == 0 ? 1 : yTrue[-1];
        int predLast = yPred.Rank == 0 ? 1 : yPred[-1];
        bool isBinary = predLast == 1;
        bool isSparse = yTrue.Rank < yPred.Rank || (trueLast == 1 && predLast > 1);
        return (isBinary, isSparse);
    }

    /// <summary>Keras 3 form: <c>{"module": "keras.metrics", "class_name", "config", "registered_name": null}</c>.</summary>
    public static JObject Serialize(Metric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return s_registry.Serialize(metric.ClassName, metric.GetConfig());
    }

    /// <summary>Adds a custom metric under <paramref name="className"/>.</summary>
    public static void Register(string className, Func<JObject, Metric> fromConfig)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        ArgumentNullException.ThrowIfNull(fromConfig);
        s_registry.Register(className, fromConfig);
    }

    /// <summary>Every accepted name, sorted.</summary>
    public static IReadOnlyList<string> Names => s_registry.Names;
}
