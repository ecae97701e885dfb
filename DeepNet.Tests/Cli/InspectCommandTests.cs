using DeepNet.Tests.Keras.Saving;

namespace DeepNet.Tests.Cli;

/// <summary>
/// <c>deepnet inspect</c> lists the HDF5 paths the fixtures' README and Keras's layouts name
/// (keras-compat §1 and §2), with shapes, dtypes and attributes.
/// </summary>
public class InspectCommandTests
{
    [Test]
    public void Inspect_Keras2FullModelH5_ListsRootAttributesLayerGroupsAndNestedCellWeights()
    {
        string path = KerasFixtures.Require("lee_mnist_lstm_tf2", "mnist_rnn.h5");
        var result = CliRun.RunOk("inspect", path);
        var lines = result.Output.Split('\n');
        Assert.That(lines, Has.Some.EqualTo("/  group"));
        Assert.That(lines, Has.Some.StartsWith("    @keras_version: string (variable length) = \"2.3.0-tf\""));
        Assert.That(lines, Has.Some.StartsWith("    @model_config: "));
        Assert.That(lines, Has.Some.EqualTo("/model_weights  group"));
        Assert.That(lines, Has.Some.StartsWith("    @layer_names: "));
        // README: "weights nested as lstm/lstm_cell/kernel:0"; the LSTM reads 28 pixels per step.
        Assert.That(lines, Has.Some.Match(@"^/model_weights/lstm/lstm/lstm_cell/kernel:0  dataset \(28, \d+\) float32$"));
        Assert.That(lines, Has.Some.StartsWith("/model_weights/lstm/lstm/lstm_cell/recurrent_kernel:0  dataset "));
    }

    [Test]
    public void Inspect_Keras3LegacyH5_ListsModelScopedGruPathsAndTheResetAfterBias()
    {
        string path = KerasFixtures.Require("khushibung05_imdb_gru", "gru_model.h5");
        var result = CliRun.RunOk("inspect", path);
        // README: model-scoped weight paths (sequential_2/gru/gru_cell/kernel), GRU reset_after bias (2, 96).
        Assert.That(result.Output, Does.Contain("/model_weights/gru/sequential_2/gru/gru_cell/kernel  dataset "));
        Assert.That(result.Output, Does.Contain("/model_weights/gru/sequential_2/gru/gru_cell/bias  dataset (2, 96) float32\n"));
        Assert.That(result.Output, Does.Contain("/optimizer_weights  group"));
    }

    [Test]
    public void Inspect_Keras2WeightsOnlyH5_ListsLayerNamesAtTheRootAndTimeDistributedInnerGroups()
    {
        string path = KerasFixtures.Require("ann2018_gru_multi_io", "model_gru.h5");
        var result = CliRun.RunOk("inspect", path);
        // README: the TimeDistributed weights live under YT/YT_1/; YT outputs 17 features.
        Assert.That(result.Output, Does.Contain("/YT/YT_1/kernel:0  dataset "));
        Assert.That(result.Output, Does.Contain("/YT/YT_1/bias:0  dataset (17,) float32\n"));
        Assert.That(result.Output, Does.Contain("    @layer_names: "));
        Assert.That(result.Output, Does.Contain("\"XT\""));
        Assert.That(result.Output, Does.Contain("\"XP\""));
        // A layer without weights has an empty list, which h5py stores as float64 (0,) (keras-compat §1.3).
        Assert.That(result.Output, Does.Contain("/MergeX  group\n    @weight_names: float64 (0,) = []\n"));
    }

    [Test]
    public void Inspect_KerasArchive_ListsZipEntriesAndTheWeightsTree()
    {
        string path = KerasFixtures.Require("ibukye_resnet_mnist", "resnet_mnist.keras");
        var result = CliRun.RunOk("inspect", path);
        foreach (var entry in new[] { "metadata.json", "config.json", "model.weights.h5" })
            Assert.That(result.Output, Does.Match($@"\n  {entry.Replace(".", @"\.")} +\d+ bytes"), entry);
        Assert.That(result.Output, Does.Contain("\"keras_version\":\"3.11.3\""));
        // keras-compat §2.2: layers/<snake_case class>/vars/<i>; the first Conv2D has 32 3x3 filters on 1 channel.
        Assert.That(result.Output, Does.Contain("/layers/conv2d/vars/0  dataset (3, 3, 1, 32) float32\n"));
        Assert.That(result.Output, Does.Contain("/layers/conv2d/vars/1  dataset (32,) float32\n"));
        Assert.That(result.Output, Does.Contain("/layers/batch_normalization/vars  group\n    @name: string (variable length) = \"batch_normalization\"\n"));
    }

    [Test]
    public void Inspect_LongAttribute_IsCutUnlessTheLimitIsZero()
    {
        string path = KerasFixtures.Require("dnnrepair_mnist_cnn", "saved-model-01-0.96.hdf5");
        var cut = CliRun.Run("inspect", path);
        var configLine = cut.Output.Split('\n').Single(l => l.StartsWith("    @model_config: ", StringComparison.Ordinal));
        Assert.That(configLine, Does.Match(@"… \(\d+ characters\)$"));
        Assert.That(configLine, Has.Length.LessThan(200));

        var whole = CliRun.Run("inspect", path, "--max-value-length", "0");
        var wholeLine = whole.Output.Split('\n').Single(l => l.StartsWith("    @model_config: ", StringComparison.Ordinal));
        Assert.That(wholeLine, Does.Not.Contain("…"));
        Assert.That(wholeLine, Does.EndWith("}\""));
        Assert.That(wholeLine, Does.Contain("\\\"class_name\\\": \\\"Sequential\\\""));
    }

    [Test]
    public void Inspect_JsonFile_FailsPointingToSummary()
    {
        string path = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm.json");
        CliRun.AssertUserError(CliRun.Run("inspect", path), "deepnet inspect: error:", "summary");
    }

    [Test]
    public void Inspect_TruncatedH5_FailsWithoutStackTrace()
    {
        using var temp = new TempFolder();
        string path = temp.File("truncated.weights.h5");
        var bytes = File.ReadAllBytes(KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm_weights.h5"));
        File.WriteAllBytes(path, bytes.AsSpan(0, 700).ToArray());
        CliRun.AssertUserError(CliRun.Run("inspect", path), path);
    }

    [TestCase("-1")]
    [TestCase("long")]
    public void Inspect_BadMaxValueLength_IsAParseError(string value)
    {
        string path = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm_weights.h5");
        CliRun.AssertUserError(CliRun.Run("inspect", path, "--max-value-length", value), "--max-value-length");
    }
}
