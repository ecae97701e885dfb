using System.Globalization;
using DeepNet;
using DeepNet.Keras.Datasets;

/// <summary>
/// The example's data: MNIST from --data or Keras's cache, flattened to (28, 28, 1) images in [0, 1] with
/// one-hot labels. When the folder holds only the t10k files, the first <c>trainSamples</c> t10k
/// images train and the rest test, and the program says so.
/// </summary>
internal static class MnistData
{
    public static (Tensor XTrain, Tensor YTrain, Tensor XTest, Tensor YTest)? Load(string? directory, int trainSamples)
    {
        string dir = directory ?? Mnist.DefaultCacheDirectory;
        bool hasTest = File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte")) || File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"));
        if (!hasTest)
        {
            Console.Error.WriteLine(directory is null
                ? $"MNIST IDX files were not found in Keras's cache {dir}, and they cannot be downloaded from this network. Pass --data DIR, a folder with the MNIST IDX files (e.g. ../shared/datasets/mnist)."
                : $"MNIST IDX files (t10k-images-idx3-ubyte[.gz], ...) were not found in {dir}. Pass --data DIR, a folder with the MNIST IDX files.");
            return null;
        }
        if (Mnist.HasTrainingSet(dir))
        {
            var (train, test) = Mnist.Load(dir);
            return (Images(train, 0, train.Count), Labels(train, 0, train.Count), Images(test, 0, test.Count), Labels(test, 0, test.Count));
        }
        var t10k = Mnist.LoadTestOnly(dir);
        if (trainSamples <= 0 || trainSamples >= t10k.Count)
            throw new ArgumentOutOfRangeException(nameof(trainSamples), $"--train-samples must be between 1 and {t10k.Count - 1}; got {trainSamples}.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Only the t10k files are in {dir}: training on the first {trainSamples} t10k images and testing on the last {t10k.Count - trainSamples}."));
        return (Images(t10k, 0, trainSamples), Labels(t10k, 0, trainSamples),
            Images(t10k, trainSamples, t10k.Count - trainSamples), Labels(t10k, trainSamples, t10k.Count - trainSamples));
    }

    private static Tensor Images(Mnist.Split s, int start, int count) =>
        Tensor.FromArray(Mnist.ToFloatRows(s, start, count), new Shape(count, s.Rows, s.Columns, 1));

    private static Tensor Labels(Mnist.Split s, int start, int count) =>
        Tensor.FromArray(Mnist.ToOneHot(s, start, count), new Shape(count, 10));
}
