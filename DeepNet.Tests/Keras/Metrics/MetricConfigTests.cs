using DeepNet.Keras.Metrics;
using Newtonsoft.Json.Linq;
using static DeepNet.Tests.Keras.LeafTestData;
using MetricRegistry = DeepNet.Keras.Metrics.Metrics;

namespace DeepNet.Tests.Keras.Metrics;

/// <summary>Metric names, Keras default configs, config round trips, the registry and "accuracy" resolution.</summary>
public class MetricConfigTests
{
    [TestCase("Accuracy", """{"name": "accuracy", "dtype": "float32"}""")]
    [TestCase("BinaryAccuracy", """{"name": "binary_accuracy", "dtype": "float32", "threshold": 0.5}""")]
    [TestCase("CategoricalAccuracy", """{"name": "categorical_accuracy", "dtype": "float32"}""")]
    [TestCase("SparseCategoricalAccuracy", """{"name": "sparse_categorical_accuracy", "dtype": "float32"}""")]
    [TestCase("TopKCategoricalAccuracy", """{"name": "top_k_categorical_accuracy", "dtype": "float32", "k": 5}""")]
    [TestCase("SparseTopKCategoricalAccuracy", """{"name": "sparse_top_k_categorical_accuracy", "dtype": "float32", "k": 5}""")]
    [TestCase("MeanSquaredError", """{"name": "mean_squared_error", "dtype": "float32"}""")]
    [TestCase("MeanAbsoluteError", """{"name": "mean_absolute_error", "dtype": "float32"}""")]
    [TestCase("RootMeanSquaredError", """{"name": "root_mean_squared_error", "dtype": "float32"}""")]
    [TestCase("BinaryCrossentropy", """{"name": "binary_crossentropy", "dtype": "float32", "from_logits": false, "label_smoothing": 0.0}""")]
    [TestCase("CategoricalCrossentropy", """{"name": "categorical_crossentropy", "dtype": "float32", "from_logits": false, "label_smoothing": 0.0, "axis": -1}""")]
    [TestCase("SparseCategoricalCrossentropy", """{"name": "sparse_categorical_crossentropy", "dtype": "float32", "from_logits": false, "ignore_class": null, "axis": -1}""")]
    [TestCase("Mean", """{"name": "mean", "dtype": "float32"}""")]
    public void DefaultConfig_EqualsKeras(string className, string expected)
    {
        var metric = MetricRegistry.Get(className);
        Assert.That(metric.ClassName, Is.EqualTo(className));
        AssertJsonEqual(metric.GetConfig(), expected);
    }

    [Test]
    public void ConfusionMetrics_DefaultConfigs_EqualKeras()
    {
        var precision = new Precision(name: "precision");
        AssertJsonEqual(precision.GetConfig(), """{"name": "precision", "dtype": "float32", "thresholds": null, "top_k": null, "class_id": null}""");
        var auc = new AUC(name: "auc");
        AssertJsonEqual(auc.GetConfig(), """
            {"name": "auc", "dtype": "float32", "num_thresholds": 200, "curve": "ROC", "summation_method": "interpolation",
             "multi_label": false, "num_labels": null, "label_weights": null, "from_logits": false}
            """);
    }

    [Test]
    public void UnnamedConfusionMetrics_AreNamedLikeKeras_ThenUniquified()
    {
        var first = new Recall();
        var second = new Recall();
        Assert.That(first.Name, Does.StartWith("recall"));
        Assert.That(second.Name, Is.Not.EqualTo(first.Name));
        Assert.That(second.Name, Does.Match("^recall_[0-9]+$"));
    }

    private static IEnumerable<Metric> NonDefault()
    {
        yield return new BinaryAccuracy("acc_bin", 0.3);
        yield return new TopKCategoricalAccuracy(3, "top3");
        yield return new Precision([0.2, 0.6], null, 1, "p");
        yield return new Recall(null, 2, null, "r");
        yield return new AUC(50, "PR", "majoring", "pr_auc", fromLogits: true);
        yield return new AUC(name: "auc_t", thresholds: [0.25, 0.5]);
        yield return new CategoricalCrossentropy("cce", true, 0.1, -1);
        yield return new SparseCategoricalCrossentropy("scce", true, 4);
    }

    [TestCaseSource(nameof(NonDefault))]
    public void Config_RoundTripsThroughSerialize(Metric metric)
    {
        var serialized = MetricRegistry.Serialize(metric);
        Assert.That((string?)serialized["module"], Is.EqualTo("keras.metrics"));
        var back = MetricRegistry.Get(serialized)!;
        Assert.That(back.GetType(), Is.EqualTo(metric.GetType()));
        Assert.That(JToken.DeepEquals(back.GetConfig(), metric.GetConfig()), Is.True, back.GetConfig().ToString());
    }

    [TestCase("accuracy", typeof(Accuracy))]
    [TestCase("binary_accuracy", typeof(BinaryAccuracy))]
    [TestCase("categorical_accuracy", typeof(CategoricalAccuracy))]
    [TestCase("sparse_categorical_accuracy", typeof(SparseCategoricalAccuracy))]
    [TestCase("top_k_categorical_accuracy", typeof(TopKCategoricalAccuracy))]
    [TestCase("sparse_top_k_categorical_accuracy", typeof(SparseTopKCategoricalAccuracy))]
    [TestCase("precision", typeof(Precision))]
    [TestCase("recall", typeof(Recall))]
    [TestCase("auc", typeof(AUC))]
    [TestCase("AUC", typeof(AUC))]
    [TestCase("mse", typeof(MeanSquaredError))]
    [TestCase("mae", typeof(MeanAbsoluteError))]
    [TestCase("root_mean_squared_error", typeof(RootMeanSquaredError))]
    [TestCase("binary_crossentropy", typeof(BinaryCrossentropy))]
    [TestCase("categorical_crossentropy", typeof(CategoricalCrossentropy))]
    [TestCase("sparse_categorical_crossentropy", typeof(SparseCategoricalCrossentropy))]
    public void Get_AcceptsKerasNamesAndAliases(string name, Type expected)
    {
        Assert.That(MetricRegistry.Get(name), Is.InstanceOf(expected));
    }

    [TestCase("accuracy", new[] { 32, 1 }, new[] { 32, 1 }, typeof(BinaryAccuracy))]
    [TestCase("acc", new[] { 32 }, new[] { 32, 1 }, typeof(BinaryAccuracy))]
    [TestCase("accuracy", new[] { 32 }, new[] { 32, 10 }, typeof(SparseCategoricalAccuracy))]
    [TestCase("Accuracy", new[] { 32, 1 }, new[] { 32, 10 }, typeof(SparseCategoricalAccuracy))]
    [TestCase("ACC", new[] { 32, 10 }, new[] { 32, 10 }, typeof(CategoricalAccuracy))]
    public void Resolve_Accuracy_PicksFromShapesAndKeepsTheUsersName(string name, int[] yTrue, int[] yPred, Type expected)
    {
        var metric = MetricRegistry.Resolve(name, new Shape(yTrue), new Shape(yPred));
        Assert.That(metric, Is.InstanceOf(expected));
        Assert.That(metric.Name, Is.EqualTo(name));
    }

    [TestCase("crossentropy", new[] { 32, 1 }, new[] { 32, 1 }, typeof(BinaryCrossentropy))]
    [TestCase("ce", new[] { 32 }, new[] { 32, 10 }, typeof(SparseCategoricalCrossentropy))]
    [TestCase("CE", new[] { 32, 10 }, new[] { 32, 10 }, typeof(CategoricalCrossentropy))]
    public void Resolve_Crossentropy_PicksFromShapesLikeKeras2(string name, int[] yTrue, int[] yPred, Type expected)
    {
        var metric = MetricRegistry.Resolve(name, new Shape(yTrue), new Shape(yPred));
        Assert.That(metric, Is.InstanceOf(expected));
        Assert.That(metric.Name, Is.EqualTo(name));
    }

    [Test]
    public void Resolve_OtherNames_GoThroughTheRegistryAndKeepTheString()
    {
        var metric = MetricRegistry.Resolve("mse", new Shape(8, 1), new Shape(8, 1));
        Assert.That(metric, Is.InstanceOf<MeanSquaredError>());
        Assert.That(metric.Name, Is.EqualTo("mse"));
    }

    [Test]
    public void Get_UnknownName_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => MetricRegistry.Get("acuracy"));
        Assert.That(e!.Message, Does.Contain("Unknown metric").And.Contain("'acuracy'"));
    }
}

/// <summary>Compiled metrics as Keras 2 and Keras 3 files store them (MeanMetricWrapper around a function).</summary>
public class MeanMetricWrapperConfigTests
{
    [Test]
    public void Keras2WrapperConfig_GivesTheBuiltInMetricWithTheWrappersName()
    {
        var metric = MetricRegistry.Get(JToken.Parse(
            """{"class_name": "MeanMetricWrapper", "config": {"name": "accuracy", "dtype": "float32", "fn": "categorical_accuracy"}}"""))!;
        Assert.That(metric, Is.InstanceOf<CategoricalAccuracy>());
        Assert.That(metric.Name, Is.EqualTo("accuracy"));
    }

    [Test]
    public void Keras3WrapperConfig_WithSerializedFunctionAndArguments()
    {
        var metric = MetricRegistry.Get(JToken.Parse("""
            {"module": "keras.metrics", "class_name": "MeanMetricWrapper", "registered_name": null,
             "config": {"name": "acc", "dtype": "float32", "threshold": 0.3,
                        "fn": {"module": "keras.metrics", "class_name": "function", "config": "binary_accuracy", "registered_name": "function"}}}
            """))!;
        Assert.That(((BinaryAccuracy)metric).Threshold, Is.EqualTo(0.3));
        Assert.That(metric.Name, Is.EqualTo("acc"));
    }

    [Test]
    public void WrapperOfUnknownFunction_SaysWhy()
    {
        var e = Assert.Throws<ArgumentException>(() => MetricRegistry.Get(JToken.Parse(
            """{"class_name": "MeanMetricWrapper", "config": {"name": "m", "fn": "my_custom_fn"}}""")));
        Assert.That(e!.Message, Does.Contain("my_custom_fn"));
    }
}
