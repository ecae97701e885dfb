using DeepNet.Keras.Datasets;

namespace DeepNet.Tests.Keras.Datasets;

/// <summary>
/// The split the MNIST examples' training tests use, from the t10k files in ../shared/datasets/mnist:
/// the first 8000 images train, the other 2000 test; labels one-hot.
/// </summary>
internal static class SharedMnistSplit
{
    public const int TrainSamples = 8000;

    public static string Directory => TestPaths.SharedFile("datasets", "mnist");

    /// <summary>The split with images shaped (samples, <paramref name="imageShape"/>); ignores the test when the files are missing.</summary>
    public static (Tensor XTrain, Tensor YTrain, Tensor XTest, Tensor YTest) Load(params int[] imageShape)
    {
        string dir = Directory;
        if (!File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte.gz")) && !File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte")))
            Assert.Ignore($"MNIST t10k files not found in {dir}.");
        var t10k = Mnist.LoadTestOnly(dir);
        int test = t10k.Count - TrainSamples;
        int[] trainImages = [TrainSamples, .. imageShape], testImages = [test, .. imageShape];
        return (
            Tensor.FromArray(Mnist.ToFloatRows(t10k, 0, TrainSamples), new Shape(trainImages)),
            Tensor.FromArray(Mnist.ToOneHot(t10k, 0, TrainSamples), new Shape(TrainSamples, 10)),
            Tensor.FromArray(Mnist.ToFloatRows(t10k, TrainSamples, test), new Shape(testImages)),
            Tensor.FromArray(Mnist.ToOneHot(t10k, TrainSamples, test), new Shape(test, 10)));
    }
}
