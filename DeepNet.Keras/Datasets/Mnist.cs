using System.Buffers.Binary;
using System.IO.Compression;

namespace DeepNet.Keras.Datasets;

/// <summary>
/// MNIST from the original IDX files (Keras <c>keras.datasets.mnist</c>, which reads its own
/// mnist.npz): <c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
/// <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, each gzipped (<c>.gz</c>) or not.
/// Images come as bytes 0..255 of shape (N, 28, 28), labels as bytes 0..9, as Keras returns them.
/// </summary>
public static class Mnist
{
    /// <summary>Keras's dataset cache folder (~/.keras/datasets).</summary>
    public static string DefaultCacheDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".keras", "datasets");

    /// <summary>One split: images (N, 28, 28) and labels (N,).</summary>
    public sealed record Split(byte[] Images, byte[] Labels, int Count, int Rows, int Columns);

    /// <summary>True when <paramref name="directory"/> holds the training images (else only t10k may be there).</summary>
    public static bool HasTrainingSet(string directory) => Find(directory, "train-images-idx3-ubyte") is not null && Find(directory, "train-labels-idx1-ubyte") is not null;

    /// <summary>Loads (train, test) as Keras's <c>mnist.load_data()</c>; throws naming the folder and files when the training set is missing.</summary>
    public static (Split Train, Split Test) Load(string directory)
    {
        var test = LoadSplit(directory, "t10k");
        if (!HasTrainingSet(directory))
            throw new FileNotFoundException($"MNIST training files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]) are not in '{directory}'. Use LoadTestOnly to work from the t10k files alone.");
        return (LoadSplit(directory, "train"), test);
    }

    /// <summary>The t10k split only.</summary>
    public static Split LoadTestOnly(string directory) => LoadSplit(directory, "t10k");

    /// <summary>Reads <c>{prefix}-images-idx3-ubyte</c> and <c>{prefix}-labels-idx1-ubyte</c> (gzipped or not).</summary>
    public static Split LoadSplit(string directory, string prefix)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"MNIST folder '{directory}' does not exist.");
        string imagesPath = Find(directory, $"{prefix}-images-idx3-ubyte")
            ?? throw new FileNotFoundException($"'{prefix}-images-idx3-ubyte' (or .gz) is not in '{directory}'.");
        string labelsPath = Find(directory, $"{prefix}-labels-idx1-ubyte")
            ?? throw new FileNotFoundException($"'{prefix}-labels-idx1-ubyte' (or .gz) is not in '{directory}'.");
        var (images, imageDims) = ReadIdx(imagesPath, 0x803, 3);
        var (labels, labelDims) = ReadIdx(labelsPath, 0x801, 1);
        if (imageDims[0] != labelDims[0])
            throw new InvalidDataException($"'{imagesPath}' holds {imageDims[0]} images but '{labelsPath}' holds {labelDims[0]} labels.");
        return new Split(images, labels, imageDims[0], imageDims[1], imageDims[2]);
    }

    private static string? Find(string directory, string name)
    {
        foreach (var candidate in new[] { name, name + ".gz", name.Replace("-idx", ".idx", StringComparison.Ordinal), name.Replace("-idx", ".idx", StringComparison.Ordinal) + ".gz" })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>Reads an IDX file of unsigned bytes: big-endian magic, dimension sizes, data.</summary>
    public static (byte[] Data, int[] Dims) ReadIdx(string path, int expectedMagic, int expectedRank)
    {
        using var file = File.OpenRead(path);
        Stream stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using (stream)
        {
            Span<byte> word = stackalloc byte[4];
            ReadExactly(stream, word, path);
            int magic = BinaryPrimitives.ReadInt32BigEndian(word);
            if (magic != expectedMagic)
                throw new InvalidDataException($"'{path}' is not an IDX file of rank {expectedRank} unsigned bytes: magic 0x{magic:X8}, expected 0x{expectedMagic:X8}.");
            var dims = new int[expectedRank];
            long size = 1;
            for (int i = 0; i < expectedRank; i++)
            {
                ReadExactly(stream, word, path);
                dims[i] = BinaryPrimitives.ReadInt32BigEndian(word);
                if (dims[i] < 0) throw new InvalidDataException($"'{path}' declares a negative dimension {dims[i]}.");
                size *= dims[i];
            }
            if (size > int.MaxValue) throw new InvalidDataException($"'{path}' declares {size} elements, too many.");
            var data = new byte[size];
            ReadExactly(stream, data, path);
            return (data, dims);
        }
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> head = stackalloc byte[2];
        int n = file.Read(head);
        file.Position = 0;
        return n == 2 && head[0] == 0x1F && head[1] == 0x8B;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"'{path}' ends early: it is truncated or not an IDX file.");
        }
    }

    /// <summary>Images scaled to [0, 1] as float32 rows of 784 (the mnist_mlp preprocessing: reshape, astype float32, /255).</summary>
    public static float[] ToFloatRows(Split split, int start, int count)
    {
        int size = split.Rows * split.Columns;
        var x = new float[(long)count * size];
        for (long i = 0; i < x.Length; i++) x[i] = split.Images[(long)start * size + i] / 255f;
        return x;
    }

    /// <summary>One-hot labels (Keras <c>to_categorical</c>).</summary>
    public static float[] ToOneHot(Split split, int start, int count, int classes = 10)
    {
        var y = new float[(long)count * classes];
        for (int i = 0; i < count; i++) y[(long)i * classes + split.Labels[start + i]] = 1f;
        return y;
    }

    /// <summary>
    /// The train/test tensors the example scripts use: images scaled to [0, 1] in
    /// <paramref name="imageShape"/> per sample, one-hot labels. With the full MNIST files in
    /// <paramref name="directory"/> (default: Keras's cache) it returns the standard split; when
    /// only the t10k files are there, the first <paramref name="trainSamples"/> t10k images train
    /// and the rest test, and <paramref name="log"/> is told so. Returns null, after writing why to
    /// <paramref name="errors"/>, when no MNIST files are found.
    /// </summary>
    public static (Tensor XTrain, Tensor YTrain, Tensor XTest, Tensor YTest)? LoadForExample(
        string? directory, int trainSamples, int[] imageShape, TextWriter log, TextWriter errors)
    {
        string dir = directory ?? DefaultCacheDirectory;
        if (Find(dir, "t10k-images-idx3-ubyte") is null)
        {
            errors.WriteLine(directory is null
                ? $"MNIST IDX files were not found in Keras's cache {dir}, and they cannot be downloaded from this network. Pass --data DIR, a folder with the MNIST IDX files (e.g. ../shared/datasets/mnist)."
                : $"MNIST IDX files (t10k-images-idx3-ubyte[.gz], ...) were not found in {dir}. Pass --data DIR, a folder with the MNIST IDX files.");
            return null;
        }
        if (HasTrainingSet(dir))
        {
            var (train, test) = Load(dir);
            return (Images(train, 0, train.Count, imageShape), Labels(train, 0, train.Count),
                Images(test, 0, test.Count, imageShape), Labels(test, 0, test.Count));
        }
        var t10k = LoadTestOnly(dir);
        if (trainSamples <= 0 || trainSamples >= t10k.Count)
            throw new ArgumentOutOfRangeException(nameof(trainSamples), $"--train-samples must be between 1 and {t10k.Count - 1}; got {trainSamples}.");
        log.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Only the t10k files are in {dir}: training on the first {trainSamples} t10k images and testing on the last {t10k.Count - trainSamples}."));
        int rest = t10k.Count - trainSamples;
        return (Images(t10k, 0, trainSamples, imageShape), Labels(t10k, 0, trainSamples),
            Images(t10k, trainSamples, rest, imageShape), Labels(t10k, trainSamples, rest));
    }

    private static Tensor Images(Split s, int start, int count, int[] imageShape) =>
        Tensor.FromArray(ToFloatRows(s, start, count), new Shape([count, .. imageShape]));

    private static Tensor Labels(Split s, int start, int count) =>
        Tensor.FromArray(ToOneHot(s, start, count), new Shape(count, 10));
}
