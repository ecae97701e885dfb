using DeepNet.Numpy;
using DeepNet.Tests.Keras.Saving;

namespace DeepNet.Tests.Cli;

/// <summary>
/// <c>deepnet convert</c> between .h5, .keras, .weights.h5 and .json: the converted model,
/// run through <c>deepnet predict</c>, gives the same numbers as the original file.
/// </summary>
public class ConvertCommandTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    private static string CnnFile => KerasFixtures.Require("dnnrepair_mnist_cnn", "saved-model-01-0.96.hdf5");

    private static string Images => KerasFixtures.Require("mnist_t10k_first100_uint8.npy");

    /// <summary>Runs predict and returns output_0 as host floats.</summary>
    private float[] Predict(string folder, params string[] modelArgs)
    {
        string outDir = _temp.File(folder);
        CliRun.RunOk(["predict", .. modelArgs, "--input", Images, "--output-dir", outDir]);
        using var y = Npy.Load(Path.Combine(outDir, "output_0.npy"));
        KerasFixtures.AssertMatches(y, KerasFixtures.File("dnnrepair_mnist_cnn", "expected_output_first100.npy"));
        return y.ToArray();
    }

    [Test]
    public void Convert_Keras2H5ToKerasArchive_ThenPredict_GivesTheSameNumbers()
    {
        var original = Predict("original", CnnFile);
        string keras = _temp.File("cnn.keras");
        var result = CliRun.RunOk("convert", CnnFile, keras);
        Assert.That(result.Output, Does.Contain("Keras 3 .keras zip"));
        Assert.That(Predict("converted", keras), Is.EqualTo(original));

        var summary = CliRun.Run("summary", keras);
        Assert.That(summary.Output, Does.Contain(".keras zip, with training config"));
        // The .h5's optimizer_weights (Adam state) travel too, as Keras 3's optimizer/vars.
        var inspect = CliRun.Run("inspect", keras);
        Assert.That(inspect.Output, Does.Contain("optimizer/vars/0"));
    }

    [Test]
    public void Convert_KerasArchiveToJson_WritesWeightsBesideIt_AndPredictWithThemGivesTheSameNumbers()
    {
        var original = Predict("original", CnnFile);
        string keras = _temp.File("cnn.keras");
        CliRun.RunOk("convert", CnnFile, keras);
        string json = _temp.File("cnn.json");
        var result = CliRun.RunOk("convert", keras, json);
        string weights = _temp.File("cnn.weights.h5");
        Assert.That(File.Exists(weights), Is.True, result.ToString());
        Assert.That(File.ReadAllText(json), Does.StartWith("{").And.Contain("\"class_name\": \"Sequential\"").Or.Contain("\"class_name\":\"Sequential\""));
        Assert.That(Predict("from-json", json, "--weights", weights), Is.EqualTo(original));
    }

    [Test]
    public void Convert_ToJsonWithWeightsOutInTheKeras2Layout_AndBackToH5_GivesTheSameNumbers()
    {
        var original = Predict("original", CnnFile);
        string json = _temp.File("arch.json");
        string weights = _temp.File("w.h5");
        CliRun.RunOk("convert", CnnFile, json, "--weights-out", weights);
        Assert.That(File.Exists(_temp.File("arch.weights.h5")), Is.False, "--weights-out replaces the default path");
        Assert.That(CliRun.Run("summary", weights).Output, Does.Contain("legacy HDF5, weights only"));

        string h5 = _temp.File("again.h5");
        CliRun.RunOk("convert", json, h5, "--weights", weights);
        Assert.That(Predict("again", h5), Is.EqualTo(original));
    }

    [Test]
    public void Convert_ToWeightsH5_WritesKeras3WeightsThatLoadIntoTheArchitecture()
    {
        var original = Predict("original", CnnFile);
        string weights = _temp.File("cnn.weights.h5");
        CliRun.RunOk("convert", CnnFile, weights);
        Assert.That(CliRun.Run("summary", weights).Output, Does.Contain(".weights.h5, weights only"));
        Assert.That(Predict("weights", CnnFile, "--weights", weights), Is.EqualTo(original));
    }

    [Test]
    public void Convert_UnknownOutputExtension_FailsBeforeLoading()
    {
        string output = _temp.File("model.onnx");
        CliRun.AssertUserError(CliRun.Run("convert", CnnFile, output), ".keras", ".json", output);
        Assert.That(File.Exists(output), Is.False);
    }

    [Test]
    public void Convert_WeightsOutWithoutJsonOutput_Fails()
    {
        CliRun.AssertUserError(CliRun.Run("convert", CnnFile, _temp.File("m.keras"), "--weights-out", _temp.File("w.weights.h5")), "--weights-out");
    }

    [Test]
    public void Convert_JsonWithoutWeights_FailsAskingForThem()
    {
        string json = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm.json");
        CliRun.AssertUserError(CliRun.Run("convert", json, _temp.File("m.keras")), "--weights");
    }

    [Test]
    public void Convert_OntoItself_Fails()
    {
        string copy = _temp.File("copy.h5");
        File.Copy(CnnFile, copy);
        CliRun.AssertUserError(CliRun.Run("convert", copy, copy), "same file");
    }
}
