using DeepNet.Keras;
using DeepNet.Keras.Metrics;
using DeepNet.Keras.Optimizers;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>Compile arguments travel with whole-model files (training_config / compile_config).</summary>
public class TrainingConfigTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-compile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [TestCase("m.h5")]
    [TestCase("m.keras")]
    public void Save_CompiledModel_LoadsCompiledWithTheSameOptimizerAndLoss(string file)
    {
        var model = SavingRoundTripTests.SequentialMlp();
        model.Compile(new Adam(learningRate: 0.005f), "categorical_crossentropy", ["accuracy"]);
        string path = Path.Combine(_dir, file);
        model.Save(path);
        var loaded = KerasModels.LoadModel(path);
        Assert.That(loaded.IsCompiled, Is.True);
        Assert.That(loaded.Optimizer, Is.InstanceOf<Adam>());
        Assert.That(loaded.Optimizer!.LearningRate, Is.EqualTo(0.005f).Within(1e-9));
        Assert.That(loaded.CompiledLosses.Single()!.ClassName, Is.EqualTo(model.CompiledLosses.Single()!.ClassName));
        Assert.That(KerasModels.LoadModel(path, compile: false).IsCompiled, Is.False);
    }

    [Test]
    public void LoadModel_Keras3H5WithTrainingConfig_IsCompiled()
    {
        KerasFixtures.RequireLayers("Conv2D", "BatchNormalization", "GlobalAveragePooling2D");
        var model = KerasModels.LoadModel(KerasFixtures.Require("ibukye_resnet_mnist", "resnet_mnist.h5"));
        Assert.That(model.IsCompiled, Is.True);
        Assert.That(model.CompiledLosses.Single()!.ClassName, Is.EqualTo("CategoricalCrossentropy"));
    }

    [Test]
    public void LoadModel_Keras2H5WithLrOptimizerKey_IsCompiledWithThatLearningRate()
    {
        KerasFixtures.RequireLayers("Conv2D", "MaxPooling2D");
        var model = KerasModels.LoadModel(KerasFixtures.Require("dnnrepair_mnist_cnn", "saved-model-01-0.96.hdf5"));
        Assert.That(model.IsCompiled, Is.True);
        Assert.That(model.Optimizer, Is.InstanceOf<Adam>());
        Assert.That(model.Optimizer!.LearningRate, Is.EqualTo(0.001f).Within(1e-7));
    }

    [Test]
    public void LoadModel_UncompiledModel_StaysUncompiled()
    {
        var model = SavingRoundTripTests.SequentialMlp();
        string path = Path.Combine(_dir, "m.h5");
        model.Save(path);
        Assert.That(KerasModels.LoadModel(path).IsCompiled, Is.False);
    }

    [TestCase("m.h5")]
    [TestCase("m.keras")]
    public void Save_MetricsAndLossWeights_AreRestored(string file)
    {
        var model = SavingRoundTripTests.FunctionalTwoInTwoOut();
        model.Compile(new SGD(), metrics: ["mae", "accuracy"], losses: ["categorical_crossentropy", "mse"], lossWeights: [0.25f, 2f]);
        string path = Path.Combine(_dir, file);
        model.Save(path);
        var loaded = KerasModels.LoadModel(path);
        Assert.That(loaded.IsCompiled, Is.True);
        Assert.That(loaded.CompiledMetrics.Select(m => m.Name), Is.EqualTo(new[] { "mae", "accuracy" }));
        Assert.That(loaded.CompiledLossWeights, Is.EqualTo(new[] { 0.25f, 2f }));
        Assert.That(loaded.CompiledLosses.Select(l => l!.ClassName), Is.EqualTo(new[] { "CategoricalCrossentropy", "MeanSquaredError" }));
    }

    [TestCase("m.h5")]
    [TestCase("m.keras")]
    public void Save_MetricObject_IsRestoredWithItsConfig(string file)
    {
        var model = SavingRoundTripTests.SequentialMlp();
        model.Compile(new Adam(), "categorical_crossentropy", [new AUC(numThresholds: 50, name: "my_auc"), "accuracy"]);
        string path = Path.Combine(_dir, file);
        model.Save(path);
        var loaded = KerasModels.LoadModel(path);
        var metrics = loaded.CompiledMetrics;
        Assert.That(metrics, Has.Count.EqualTo(2));
        Assert.That(metrics[0].Instance, Is.InstanceOf<AUC>());
        Assert.That(metrics[0].Instance!.Name, Is.EqualTo("my_auc"));
        Assert.That((int)metrics[0].Instance!.GetConfig()["num_thresholds"]!, Is.EqualTo(50));
        Assert.That(metrics[1].Name, Is.EqualTo("accuracy"));
    }

    [Test]
    public void LoadModel_KerasArchiveWithFunctionLoss_IsCompiled()
    {
        KerasFixtures.RequireLayers("Conv2D", "BatchNormalization", "GlobalAveragePooling2D");
        // compile_config has loss {"module": "builtins", "class_name": "function", "config": "categorical_crossentropy"}.
        var model = KerasModels.LoadModel(KerasFixtures.Require("ibukye_resnet_mnist", "resnet_mnist.keras"));
        Assert.That(model.IsCompiled, Is.True);
        Assert.That(model.CompiledLosses.Single()!.ClassName, Is.EqualTo("CategoricalCrossentropy"));
        Assert.That(model.CompiledMetrics.Select(m => m.Name), Is.EqualTo(new[] { "accuracy" }));
    }
}
