using DeepNet.Keras;
using DeepNet.Keras.Saving;
using DeepNet.Numpy;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// Models saved by real Python Keras (../shared/fixtures/keras) load here and reproduce the
/// expected outputs computed independently in float64.
/// </summary>
public class FixtureLoadTests
{
    // The CNNs run on the first images only, to keep the suite fast on the CPU.
    private const int MnistRows = 16;

    [Test]
    public void ModelFromJson_Keras2FunctionalJsonPlusWeightsOnlyH5_Hls4mlBatchNorm_ReproducesExpectedOutputs()
    {
        string json = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm.json");
        KerasFixtures.RequireLayers("Dense", "BatchNormalization", "Activation");
        var model = KerasModels.ModelFromJson(File.ReadAllText(json));
        model.LoadWeights(KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm_weights.h5"));
        using var x = Npy.Load(KerasFixtures.Require("hls4ml_3layer_batchnorm", "input.npy"));
        using var y = model.Predict(x);
        KerasFixtures.AssertMatches(y, KerasFixtures.File("hls4ml_3layer_batchnorm", "expected_output.npy"));
    }

    [Test]
    public void LoadModel_Keras2LegacyFullModelH5_DnnRepairCnn_ReproducesFirstOutputsAndLabels()
    {
        string path = KerasFixtures.Require("dnnrepair_mnist_cnn", "saved-model-01-0.96.hdf5");
        KerasFixtures.RequireLayers("Conv2D", "MaxPooling2D", "Flatten", "Dense", "Activation");
        var model = KerasModels.LoadModel(path);
        Assert.That(model, Is.InstanceOf<Sequential>());
        using var x = KerasFixtures.MnistFirst(MnistRows, 1f); // this model was trained on raw 0..255 pixels
        using var y = model.Predict(x);
        KerasFixtures.AssertMatches(y, KerasFixtures.File("dnnrepair_mnist_cnn", "expected_output_first100.npy"));
        var expectedLabels = Npy.Read(KerasFixtures.File("dnnrepair_mnist_cnn", "pred_labels_t10k.npy")).ToInt32().Take(MnistRows);
        Assert.That(KerasFixtures.ArgMax(y), Is.EqualTo(expectedLabels));
    }

    [TestCase("resnet_mnist.h5")]
    [TestCase("resnet_mnist.keras")]
    public void LoadModel_Keras3ResNet_LegacyH5AndKerasArchive_ReproduceFirstOutputs(string file)
    {
        string path = KerasFixtures.Require("ibukye_resnet_mnist", file);
        KerasFixtures.RequireLayers("Conv2D", "BatchNormalization", "Add", "ReLU", "GlobalAveragePooling2D", "Dense");
        var model = KerasModels.LoadModel(path);
        Assert.That(model.ClassName, Is.EqualTo("Functional"));
        using var x = KerasFixtures.MnistFirst(MnistRows, 1f / 255f);
        using var y = model.Predict(x);
        KerasFixtures.AssertMatches(y, KerasFixtures.File("ibukye_resnet_mnist", "expected", "expected_output_first100.npy"));
        var expectedLabels = Npy.Read(KerasFixtures.File("ibukye_resnet_mnist", "expected", "pred_labels_t10k.npy")).ToInt32().Take(MnistRows);
        Assert.That(KerasFixtures.ArgMax(y), Is.EqualTo(expectedLabels));
    }

    [Test]
    public void LoadWeights_KerasArchiveIntoModelFromItsOwnH5_GivesTheSameWeights()
    {
        KerasFixtures.RequireLayers("Conv2D", "BatchNormalization", "Add", "ReLU", "GlobalAveragePooling2D", "Dense");
        var fromH5 = KerasModels.LoadModel(KerasFixtures.Require("ibukye_resnet_mnist", "resnet_mnist.h5"));
        var fromKeras = KerasModels.LoadModel(KerasFixtures.Require("ibukye_resnet_mnist", "resnet_mnist.keras"));
        var a = fromH5.GetWeightArrays();
        var b = fromKeras.GetWeightArrays();
        Assert.That(a.Length, Is.EqualTo(b.Length));
        for (int i = 0; i < a.Length; i++) Assert.That(a[i], Is.EqualTo(b[i]), $"weight {i}");
    }

    // Until the recurrent and wrapper layers exist, these models must fail with one message
    // that lists every missing layer class at once.
    [TestCase("lee_mnist_lstm_tf2/mnist_rnn.h5", new[] { "LSTM" })]
    [TestCase("khushibung05_imdb_gru/gru_model.h5", new[] { "Embedding", "GRU" })]
    public void LoadModel_ModelWithUnsupportedLayers_ListsEveryMissingClassAtOnce(string file, string[] missing)
    {
        string path = KerasFixtures.Require(file.Split('/'));
        var absent = missing.Where(c => !DeepNet.Keras.Layers.LayerRegistry.IsRegistered(c)).ToArray();
        if (absent.Length == 0) Assert.Ignore($"{string.Join(", ", missing)} are implemented now; the fixture should load instead.");
        var e = Assert.Throws<UnsupportedLayersException>(() => KerasModels.LoadModel(path))!;
        Assert.That(e.ClassNames, Is.EquivalentTo(absent));
        Assert.That(e.Message, Does.Contain(path));
        foreach (var c in absent) Assert.That(e.Message, Does.Contain(c));
    }

    [Test]
    public void ModelFromJson_Keras2MultiIoGruJson_ListsEveryMissingClassAtOnce()
    {
        string json = File.ReadAllText(KerasFixtures.Require("ann2018_gru_multi_io", "model_gru.json"));
        var missing = new[] { "GRU", "TimeDistributed" }.Where(c => !DeepNet.Keras.Layers.LayerRegistry.IsRegistered(c)).ToArray();
        if (missing.Length == 0) Assert.Ignore("GRU and TimeDistributed are implemented now; the fixture should load instead.");
        var e = Assert.Throws<UnsupportedLayersException>(() => KerasModels.ModelFromJson(json))!;
        Assert.That(e.ClassNames, Is.EquivalentTo(missing));
    }
}
