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

    [Test]
    public void LoadModel_Keras2LegacyH5_LeeStackedLstm_ReproducesFirstOutputsAndLabels()
    {
        string path = KerasFixtures.Require("lee_mnist_lstm_tf2", "mnist_rnn.h5");
        var model = KerasModels.LoadModel(path);
        using var images = KerasFixtures.MnistFirst(MnistRows, 1f / 255f);
        using var x = images.Reshape(MnistRows, 28, 28);
        using var y = model.Predict(x);
        KerasFixtures.AssertMatches(y, KerasFixtures.File("lee_mnist_lstm_tf2", "expected_output_first100.npy"));
        var expectedLabels = Npy.Read(KerasFixtures.File("lee_mnist_lstm_tf2", "pred_labels_t10k.npy")).ToInt32().Take(MnistRows);
        Assert.That(KerasFixtures.ArgMax(y), Is.EqualTo(expectedLabels));
    }

    // Every image of t10k through the loaded model, in the fixture's own preprocessing: the labels
    // Keras predicted (pred_labels_t10k.npy) must all come out the same.
    [TestCase("lee_mnist_lstm_tf2", "mnist_rnn.h5", "pred_labels_t10k.npy", true)]
    [TestCase("ibukye_resnet_mnist", "resnet_mnist.keras", "expected/pred_labels_t10k.npy", false)]
    [Category("Slow")]
    public void LoadModel_MnistFixture_ReproducesAllT10kLabels(string fixture, string file, string labels, bool rowsAsTimesteps)
    {
        var model = KerasModels.LoadModel(KerasFixtures.Require(fixture, file));
        const int all = 10000;
        using var images = KerasFixtures.MnistAllT10k(1f / 255f);
        using var x = rowsAsTimesteps ? images.Reshape(all, 28, 28) : images.Reshape(all, 28, 28, 1);
        using var y = model.Predict(x, batchSize: 500);
        var expected = Npy.Read(KerasFixtures.File([fixture, .. labels.Split('/')])).ToInt32();
        var predicted = KerasFixtures.ArgMax(y);
        int differing = Enumerable.Range(0, all).Count(i => predicted[i] != expected[i]);
        Assert.That(differing, Is.Zero, $"{differing} of {all} labels differ from Keras's");
    }

    [Test]
    public void LoadModel_Keras3LegacyH5_ImdbEmbeddingGru_ReproducesExpectedOutputs()
    {
        string path = KerasFixtures.Require("khushibung05_imdb_gru", "gru_model.h5");
        var model = KerasModels.LoadModel(path);
        using var x = Npy.Load(KerasFixtures.File("khushibung05_imdb_gru", "input.npy"));
        using var y = model.Predict(x);
        KerasFixtures.AssertMatches(y, KerasFixtures.File("khushibung05_imdb_gru", "expected_output.npy"));
    }

    [Test]
    public void ModelFromJson_Keras2MultiIoGru_MaskingAndTimeDistributed_ReproducesExpectedOutputs()
    {
        string json = File.ReadAllText(KerasFixtures.Require("ann2018_gru_multi_io", "model_gru.json"));
        var model = KerasModels.ModelFromJson(json);
        model.LoadWeights(KerasFixtures.File("ann2018_gru_multi_io", "model_gru.h5"));
        using var x0 = Npy.Load(KerasFixtures.File("ann2018_gru_multi_io", "input_0.npy"));
        using var x1 = Npy.Load(KerasFixtures.File("ann2018_gru_multi_io", "input_1.npy"));
        var y = model.PredictMany([x0, x1]);
        KerasFixtures.AssertMatches(y[0], KerasFixtures.File("ann2018_gru_multi_io", "expected_output_0.npy"));
        KerasFixtures.AssertMatches(y[1], KerasFixtures.File("ann2018_gru_multi_io", "expected_output_1.npy"));
    }
}
