using System.Globalization;
using DeepNet.Tests.Keras.Saving;
using PureHDF;

namespace DeepNet.Tests.Cli;

/// <summary>
/// <c>deepnet summary</c> prints the file's Keras version and format (from the fixtures'
/// README) and the parameter totals Keras prints, worked out here from the weight shapes the
/// files hold.
/// </summary>
public class SummaryCommandTests
{
    [Test]
    public void Summary_Keras2FullModelH5_DnnRepairCnn_PrintsVersionFormatAndKerasParamTotal()
    {
        string path = KerasFixtures.Require("dnnrepair_mnist_cnn", "saved-model-01-0.96.hdf5");
        var result = CliRun.RunOk("summary", path);
        Assert.That(result.Output, Does.Contain("Format: Keras 2.2.4 legacy HDF5 full model"));
        // Conv2D 3x3 1→2 and 2→4, Dense 576→128 (12·12·4 after pooling) and 128→10, each with a bias.
        const int total = (3 * 3 * 1 * 2 + 2) + (3 * 3 * 2 * 4 + 4) + (576 * 128 + 128) + (128 * 10 + 10);
        Assert.That(total, Is.EqualTo(75_242));
        Assert.That(result.Output, Does.Contain(" Total params: 75,242 "));
        Assert.That(result.Output, Does.Contain(" Trainable params: 75,242 "));
        Assert.That(result.Output, Does.Contain(" Non-trainable params: 0 "));
        Assert.That(result.Output, Does.Contain("Model: \"sequential_1\""));
        Assert.That(result.Error, Is.Empty);
    }

    [Test]
    public void Summary_Keras2JsonArchitecture_Hls4ml_CountsBatchNormStatisticsAsNonTrainable()
    {
        string path = KerasFixtures.Require("hls4ml_3layer_batchnorm", "KERAS_3layer_batch_norm.json");
        var result = CliRun.RunOk("summary", path);
        Assert.That(result.Output, Does.Contain("Format: Keras 2.0.8 JSON architecture"));
        // Dense 16→64→32→32→5 with biases; BatchNormalization after each: gamma, beta trainable,
        // moving mean and variance not.
        const int dense = (16 * 64 + 64) + (64 * 32 + 32) + (32 * 32 + 32) + (32 * 5 + 5);
        const int batchNormPerSide = 2 * (64 + 32 + 32 + 5);
        Assert.That(result.Output, Does.Contain($" Total params: {N(dense + 2 * batchNormPerSide)} "));
        Assert.That(result.Output, Does.Contain($" Trainable params: {N(dense + batchNormPerSide)} "));
        Assert.That(result.Output, Does.Contain($" Non-trainable params: {N(batchNormPerSide)} "));
    }

    [TestCase("resnet_mnist.h5", "Keras 3.11.3 legacy HDF5 full model")]
    [TestCase("resnet_mnist.keras", "Keras 3.11.3 .keras zip")]
    public void Summary_Keras3ResNet_PrintsFormatAndTheSumOfTheStoredWeights(string file, string format)
    {
        string path = KerasFixtures.Require("ibukye_resnet_mnist", file);
        var result = CliRun.RunOk("summary", path);
        Assert.That(result.Output, Does.Contain($"Format: {format}"));
        // Keras's total is every weight of the model: the element count of every dataset under
        // /model_weights of the .h5 (both files hold the same model). The moving statistics of
        // BatchNormalization are the non-trainable part.
        var (total, moving) = StoredWeightCounts(KerasFixtures.File("ibukye_resnet_mnist", "resnet_mnist.h5"));
        Assert.That(moving, Is.GreaterThan(0));
        Assert.That(result.Output, Does.Contain($" Total params: {N(total)} "));
        Assert.That(result.Output, Does.Contain($" Trainable params: {N(total - moving)} "));
        Assert.That(result.Output, Does.Contain($" Non-trainable params: {N(moving)} "));
    }

    [Test]
    public void Summary_WeightsOnlyH5_SaysSoAndSuggestsInspect()
    {
        string path = KerasFixtures.Require("ann2018_gru_multi_io", "model_gru.h5");
        var result = CliRun.RunOk("summary", path);
        Assert.That(result.Output, Does.Contain("Keras 2.1.1 legacy HDF5, weights only"));
        Assert.That(result.Output, Does.Contain($"deepnet inspect {path}"));
        Assert.That(result.Output, Does.Not.Contain("Total params"));
    }

    [Test]
    public void Summary_MissingFile_FailsOnStderr()
    {
        string path = Path.Combine(Path.GetTempPath(), $"deepnet-missing-{Guid.NewGuid():N}.h5");
        CliRun.AssertUserError(CliRun.Run("summary", path), "deepnet summary: error:", path);
    }

    [Test]
    public void Summary_TruncatedH5_FailsWithAKerasFileErrorAndNoStackTrace()
    {
        using var temp = new TempFolder();
        string path = temp.File("truncated.h5");
        var bytes = File.ReadAllBytes(KerasFixtures.Require("dnnrepair_mnist_cnn", "saved-model-01-0.96.hdf5"));
        File.WriteAllBytes(path, bytes.AsSpan(0, 3000).ToArray());
        CliRun.AssertUserError(CliRun.Run("summary", path), "deepnet summary: error:", path);
    }

    [Test]
    public void Summary_NonsenseJson_FailsNamingTheFile()
    {
        using var temp = new TempFolder();
        string path = temp.File("model.json");
        File.WriteAllText(path, "{\"class_name\": \"Sequential\", \"config\": ");
        CliRun.AssertUserError(CliRun.Run("summary", path), path, "JSON");
    }

    [Test]
    public void Summary_UnsupportedLayerClasses_ListsThemAllOnStderr()
    {
        using var temp = new TempFolder();
        string path = temp.File("model.json");
        File.WriteAllText(path, """
            {"class_name": "Sequential", "config": {"name": "s", "layers": [
              {"class_name": "NoSuchLayerA", "config": {"name": "a"}},
              {"class_name": "NoSuchLayerB", "config": {"name": "b"}}]}}
            """);
        CliRun.AssertUserError(CliRun.Run("summary", path), "NoSuchLayerA", "NoSuchLayerB");
    }

    private static string N(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>Element counts of the weight datasets under /model_weights: all of them, and the BatchNormalization moving statistics.</summary>
    private static (long Total, long Moving) StoredWeightCounts(string h5Path)
    {
        using var file = H5File.OpenRead(h5Path);
        long total = 0, moving = 0;
        void Walk(IH5Group group)
        {
            foreach (var child in group.Children())
            {
                if (child is IH5Group sub) Walk(sub);
                else if (child is IH5Dataset dataset)
                {
                    long size = 1;
                    foreach (var d in dataset.Space.Dimensions) size *= (long)d;
                    total += size;
                    if (child.Name.StartsWith("moving_", StringComparison.Ordinal)) moving += size;
                }
            }
        }
        Walk(file.Group("model_weights"));
        return (total, moving);
    }
}
