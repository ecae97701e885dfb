using DeepNet.Keras.Datasets;
using DeepNet.Numpy;
using DeepNet.Tests.Keras.Saving;

namespace DeepNet.Tests.Cli;

/// <summary>
/// <c>deepnet predict</c> on the real Keras fixtures reproduces their expected outputs (computed
/// independently in float64 with numpy) to 1e-5, and refuses mismatched inputs clearly.
/// </summary>
public class PredictCommandTests
{
    // The CNN/LSTM fixtures run on the first images only, to keep the suite fast.
    private const int MnistRows = 16;

    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private string Out => _temp.File("out");

    private Tensor Output(int i) => Npy.Load(Path.Combine(Out, $"output_{i}.npy"));

    /// <summary>The first MNIST test images as float (n, 28, 28, 1), scaled, written to an .npy file.</summary>
    private string MnistInput(float scale)
    {
        string path = _temp.File($"mnist_{scale}.npy");
        using var x = KerasFixtures.MnistFirst(MnistRows, scale);
        Npy.Save(path, x);
        return path;
    }

    [Test]
    public void Predict_Keras3LegacyH5WithInt32TokenIds_ImdbGru_ReproducesExpectedOutput()
    {
        string model = KerasFixtures.Require("khushibung05_imdb_gru", "gru_model.h5");
        CliRun.RunOk("predict", model, "--input", KerasFixtures.File("khushibung05_imdb_gru", "input.npy"), "--output-dir", Out);
        Assert.That(Npy.Read(KerasFixtures.File("khushibung05_imdb_gru", "input.npy")).Descr, Is.EqualTo("<i4"), "the fixture feeds int32 ids");
        using var y = Output(0);
        KerasFixtures.AssertMatches(y, KerasFixtures.File("khushibung05_imdb_gru", "expected_output.npy"));
    }

    [Test]
    public void Predict_JsonPlusWeightsOnlyH5_Hls4mlBatchNorm_ReproducesExpectedOutput()
    {
        string json = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm.json");
        CliRun.RunOk("predict", json, "--weights", KerasFixtures.File("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm_weights.h5"),
            "--input", KerasFixtures.File("hls4ml_3layer_batchnorm", "input.npy"), "--output-dir", Out);
        using var y = Output(0);
        KerasFixtures.AssertMatches(y, KerasFixtures.File("hls4ml_3layer_batchnorm", "expected_output.npy"));
    }

    [Test]
    public void Predict_BatchSizeThreeOverEightRows_GivesTheSameOutputsAsOneBatch()
    {
        string json = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm.json");
        CliRun.RunOk("predict", json, "--weights", KerasFixtures.File("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm_weights.h5"),
            "--input", KerasFixtures.File("hls4ml_3layer_batchnorm", "input.npy"), "--output-dir", Out, "--batch-size", "3");
        using var y = Output(0);
        Assert.That(y.Shape, Is.EqualTo(new Shape(8, 5)));
        KerasFixtures.AssertMatches(y, KerasFixtures.File("hls4ml_3layer_batchnorm", "expected_output.npy"));
    }

    [Test]
    public void Predict_TwoInputsTwoOutputs_Ann2018Gru_WritesBothOutputsInModelOrder()
    {
        string json = KerasFixtures.Require("ann2018_gru_multi_io", "model_gru.json");
        CliRun.RunOk("predict", json, "--weights", KerasFixtures.File("ann2018_gru_multi_io", "model_gru.h5"),
            "--input", KerasFixtures.File("ann2018_gru_multi_io", "input_0.npy"), "--input", KerasFixtures.File("ann2018_gru_multi_io", "input_1.npy"),
            "--output-dir", Out);
        using var y0 = Output(0);
        using var y1 = Output(1);
        KerasFixtures.AssertMatches(y0, KerasFixtures.File("ann2018_gru_multi_io", "expected_output_0.npy"));
        KerasFixtures.AssertMatches(y1, KerasFixtures.File("ann2018_gru_multi_io", "expected_output_1.npy"));
        Assert.That(File.Exists(Path.Combine(Out, "output_2.npy")), Is.False);
    }

    [Test]
    public void Predict_RawUint8PixelsWithoutChannelAxis_DnnRepairCnn_AddsTheAxisAndReproducesAllHundredRows()
    {
        // The model takes (None, 28, 28, 1) raw 0..255 pixels; the fixture's images are (100, 28, 28) uint8.
        string model = KerasFixtures.Require("dnnrepair_mnist_cnn", "saved-model-01-0.96.hdf5");
        var result = CliRun.RunOk("predict", model, "--input", KerasFixtures.Require("mnist_t10k_first100_uint8.npy"), "--output-dir", Out);
        Assert.That(result.Output, Does.Contain("(100, 28, 28) fed as (100, 28, 28, 1)"));
        using var y = Output(0);
        Assert.That(y.Shape, Is.EqualTo(new Shape(100, 10)));
        KerasFixtures.AssertMatches(y, KerasFixtures.File("dnnrepair_mnist_cnn", "expected_output_first100.npy"));
        var expectedLabels = Npy.Read(KerasFixtures.File("dnnrepair_mnist_cnn", "pred_labels_t10k.npy")).ToInt32().Take(100);
        Assert.That(KerasFixtures.ArgMax(y), Is.EqualTo(expectedLabels));
    }

    [Test]
    [Category("Slow")]
    public void Predict_AllTenThousandTestImages_DnnRepairCnn_ReproducesEveryPredictedLabel()
    {
        string model = KerasFixtures.Require("dnnrepair_mnist_cnn", "saved-model-01-0.96.hdf5");
        string mnist = TestPaths.SharedFile("datasets", "mnist");
        if (!Directory.Exists(mnist)) Assert.Ignore($"The MNIST dataset is not at {mnist}.");
        var t10k = Mnist.LoadTestOnly(mnist);
        string images = _temp.File("t10k_uint8.npy");
        Npy.Save(images, t10k.Images, new Shape(t10k.Count, t10k.Rows, t10k.Columns));

        CliRun.RunOk("predict", model, "--input", images, "--output-dir", Out, "--batch-size", "500");
        using var y = Output(0);
        var expected = Npy.Read(KerasFixtures.File("dnnrepair_mnist_cnn", "pred_labels_t10k.npy")).ToInt32();
        Assert.That(expected, Has.Length.EqualTo(10_000));
        Assert.That(KerasFixtures.ArgMax(y), Is.EqualTo(expected));
    }

    [TestCase("resnet_mnist.h5")]
    [TestCase("resnet_mnist.keras")]
    public void Predict_Keras3ResNet_LegacyH5AndKerasArchive_ReproduceFirstOutputs(string file)
    {
        string model = KerasFixtures.Require("ibukye_resnet_mnist", file);
        CliRun.RunOk("predict", model, "--input", MnistInput(1f / 255f), "--output-dir", Out);
        using var y = Output(0);
        KerasFixtures.AssertMatches(y, KerasFixtures.File("ibukye_resnet_mnist", "expected", "expected_output_first100.npy"));
    }

    [Test]
    public void Predict_TrailingAxisOfOneOnAnRnnInput_LeeLstm_DropsTheAxisAndReproducesFirstOutputs()
    {
        // The LSTM takes (None, 28, 28); the images are written as (n, 28, 28, 1).
        string model = KerasFixtures.Require("lee_mnist_lstm_tf2", "mnist_rnn.h5");
        CliRun.RunOk("predict", model, "--input", MnistInput(1f / 255f), "--output-dir", Out);
        using var y = Output(0);
        KerasFixtures.AssertMatches(y, KerasFixtures.File("lee_mnist_lstm_tf2", "expected_output_first100.npy"));
    }

    [Test]
    public void Predict_OneInputForATwoInputModel_FailsNamingBothCounts()
    {
        string json = KerasFixtures.Require("ann2018_gru_multi_io", "model_gru.json");
        var result = CliRun.Run("predict", json, "--weights", KerasFixtures.File("ann2018_gru_multi_io", "model_gru.h5"),
            "--input", KerasFixtures.File("ann2018_gru_multi_io", "input_0.npy"), "--output-dir", Out);
        CliRun.AssertUserError(result, "takes 2 input", "received 1", "'XT'", "'XP'");
        Assert.That(Directory.Exists(Out), Is.False, "nothing written");
    }

    [Test]
    public void Predict_InputsInTheWrongOrder_FailsNamingExpectedAndActualShapes()
    {
        string json = KerasFixtures.Require("ann2018_gru_multi_io", "model_gru.json");
        var result = CliRun.Run("predict", json, "--weights", KerasFixtures.File("ann2018_gru_multi_io", "model_gru.h5"),
            "--input", KerasFixtures.File("ann2018_gru_multi_io", "input_1.npy"), "--input", KerasFixtures.File("ann2018_gru_multi_io", "input_0.npy"),
            "--output-dir", Out);
        CliRun.AssertUserError(result, "(2, 387, 52)", "(None, 387, 17)", "'XT'");
    }

    [Test]
    public void Predict_InputsWithDifferentSampleCounts_Fails()
    {
        string json = KerasFixtures.Require("ann2018_gru_multi_io", "model_gru.json");
        string one = _temp.File("one_sample.npy");
        var all = Npy.Read(KerasFixtures.File("ann2018_gru_multi_io", "input_1.npy")).ToFloat32();
        Npy.Save(one, all.AsSpan(0, 387 * 52).ToArray(), new Shape(1, 387, 52));
        var result = CliRun.Run("predict", json, "--weights", KerasFixtures.File("ann2018_gru_multi_io", "model_gru.h5"),
            "--input", KerasFixtures.File("ann2018_gru_multi_io", "input_0.npy"), "--input", one, "--output-dir", Out);
        CliRun.AssertUserError(result, "1 samples", "2");
    }

    [Test]
    public void Predict_JsonWithoutWeights_FailsAskingForWeights()
    {
        string json = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm.json");
        var result = CliRun.Run("predict", json, "--input", KerasFixtures.File("hls4ml_3layer_batchnorm", "input.npy"), "--output-dir", Out);
        CliRun.AssertUserError(result, "--weights");
    }

    [Test]
    public void Predict_WeightsOnlyH5AsModel_FailsSuggestingJsonAndInspect()
    {
        string weights = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm_weights.h5");
        var result = CliRun.Run("predict", weights, "--input", KerasFixtures.File("hls4ml_3layer_batchnorm", "input.npy"), "--output-dir", Out);
        CliRun.AssertUserError(result, "weights only", "deepnet inspect");
    }

    [Test]
    public void Predict_MissingModelOrInputFile_FailsNamingThePath()
    {
        string missing = _temp.File("no_such_model.h5");
        var noModel = CliRun.Run("predict", missing, "--input", KerasFixtures.File("hls4ml_3layer_batchnorm", "input.npy"), "--output-dir", Out);
        CliRun.AssertUserError(noModel, missing);
        string json = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm.json");
        string noInput = _temp.File("no_such_input.npy");
        var result = CliRun.Run("predict", json, "--input", noInput, "--output-dir", Out);
        CliRun.AssertUserError(result, noInput);
    }

    [Test]
    public void Predict_NotAnNpyFile_FailsWithTheNpyError()
    {
        string json = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm.json");
        var result = CliRun.Run("predict", json, "--weights", KerasFixtures.File("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm_weights.h5"),
            "--input", json, "--output-dir", Out);
        CliRun.AssertUserError(result, "deepnet predict: error:");
    }

    [TestCase("0")]
    [TestCase("-4")]
    [TestCase("many")]
    public void Predict_BadBatchSize_IsAParseError(string batchSize)
    {
        string json = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm.json");
        var result = CliRun.Run("predict", json, "--input", "x.npy", "--output-dir", Out, "--batch-size", batchSize);
        CliRun.AssertUserError(result, "batch-size");
    }

    [Test]
    public void Predict_UnknownBackend_IsAParseErrorListingTheChoices()
    {
        var result = CliRun.Run("predict", "m.h5", "--input", "x.npy", "--output-dir", Out, "--backend", "tpu");
        CliRun.AssertUserError(result, "tpu", "cpu", "cuda");
    }

    [Test]
    public void Predict_WithoutInputOrOutputDir_IsAParseError()
    {
        CliRun.AssertUserError(CliRun.Run("predict", "m.h5", "--output-dir", Out), "--input");
        CliRun.AssertUserError(CliRun.Run("predict", "m.h5", "--input", "x.npy"), "--output-dir");
    }
}
