using DeepNet.Numpy;

namespace DeepNet.Keras.Datasets;

/// <summary>
/// The IMDB sentiment dataset (Keras <c>keras.datasets.imdb.load_data</c>): 25,000 training and
/// 25,000 test reviews as sequences of word indices (by frequency), labels 1 positive / 0 negative.
/// </summary>
/// <remarks>
/// Keras's own <c>imdb.npz</c> stores the reviews as numpy object arrays (pickled Python lists);
/// they are read by <see cref="Npz.ReadIntSequences"/>, which runs nothing from the file. An
/// archive of plain int32 arrays made by the earlier one-time conversion
/// (<c>x_train</c>/<c>x_test</c> with every review's indices one after another,
/// <c>x_train_lengths</c>/<c>x_test_lengths</c>, <c>y_train</c>/<c>y_test</c>) reads too.
/// <see cref="Load"/> then does what Keras's load_data does to the raw indices (start character,
/// index offset, out-of-vocabulary character) in the same order: each split is shuffled as
/// numpy's <c>RandomState(seed).shuffle</c> does (<see cref="NumpyRandomState"/>), train first.
/// </remarks>
public static class Imdb
{
    /// <summary>Where Keras downloads imdb.npz from.</summary>
    public const string Url = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz";

    /// <summary>Keras's file name for the dataset.</summary>
    public const string KerasFileName = "imdb.npz";

    /// <summary>The name of an archive converted to plain int32 arrays (read as well as Keras's own file).</summary>
    public const string ConvertedFileName = "imdb_int32.npz";

    /// <summary>One split: the reviews (word indices) and their labels.</summary>
    public sealed record Split(int[][] Sequences, int[] Labels)
    {
        public int Count => Labels.Length;
    }

    /// <summary>
    /// Reads Keras's imdb.npz (or a converted archive) and applies Keras's <c>load_data</c>
    /// transform with the same defaults: both splits shuffled with <paramref name="seed"/>, each
    /// review starts with <paramref name="startChar"/>, word indices are shifted by
    /// <paramref name="indexFrom"/>, and indices outside [<paramref name="skipTop"/>,
    /// <paramref name="numWords"/>) become <paramref name="oovChar"/> (with no numWords, Keras's
    /// bound is the largest index present).
    /// </summary>
    public static (Split Train, Split Test) Load(string path, int? numWords = null, int skipTop = 0, int startChar = 1, int oovChar = 2, int indexFrom = 3,
        uint seed = 113)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (numWords is <= 0) throw new ArgumentOutOfRangeException(nameof(numWords), $"imdb: num_words must be positive. Received: num_words={numWords}");
        bool converted;
        using (var zip = System.IO.Compression.ZipFile.OpenRead(path)) converted = zip.GetEntry("x_train_lengths.npy") is not null;
        Split train, test;
        if (converted)
        {
            var arrays = Npz.Read(path);
            (train, test) = (ReadConvertedSplit(arrays, path, "train", startChar, indexFrom), ReadConvertedSplit(arrays, path, "test", startChar, indexFrom));
        }
        else (train, test) = (ReadKerasSplit(path, "train", startChar, indexFrom), ReadKerasSplit(path, "test", startChar, indexFrom));
        // Keras: one RandomState(seed) shuffles the training split, then the test split.
        var rng = new NumpyRandomState(seed);
        (train, test) = (Shuffled(train, rng), Shuffled(test, rng));

        int limit = numWords ?? Math.Max(MaxIndex(train.Sequences), MaxIndex(test.Sequences));
        foreach (var split in new[] { train, test })
        {
            foreach (var review in split.Sequences)
            {
                for (int i = 0; i < review.Length; i++)
                    if (review[i] < skipTop || review[i] >= limit) review[i] = oovChar;
            }
        }
        return (train, test);
    }

    private static Split Shuffled(Split split, NumpyRandomState rng)
    {
        var order = Enumerable.Range(0, split.Count).ToArray();
        rng.Shuffle(order);
        return new Split(order.Select(i => split.Sequences[i]).ToArray(), order.Select(i => split.Labels[i]).ToArray());
    }

    /// <summary>A split of Keras's own file: pickled lists of word indices and int64 labels.</summary>
    private static Split ReadKerasSplit(string path, string split, int startChar, int indexFrom)
    {
        var sequences = Npz.ReadIntSequences(path, $"x_{split}");
        var labels = Npz.ReadArray(path, $"y_{split}").ToInt32();
        if (sequences.Length != labels.Length)
            throw new InvalidDataException($"'{path}': x_{split} holds {sequences.Length} reviews but y_{split} {labels.Length} labels.");
        var reviews = new int[sequences.Length][];
        for (int r = 0; r < reviews.Length; r++)
        {
            var review = new int[sequences[r].Length + 1];
            review[0] = startChar;
            for (int i = 0; i < sequences[r].Length; i++) review[i + 1] = sequences[r][i] + indexFrom;
            reviews[r] = review;
        }
        return new Split(reviews, labels);
    }

    private static Split ReadConvertedSplit(IReadOnlyDictionary<string, NpyArray> arrays, string path, string split, int startChar, int indexFrom)
    {
        var tokens = Get(arrays, path, $"x_{split}").ToInt32();
        var lengths = Get(arrays, path, $"x_{split}_lengths").ToInt32();
        var labels = Get(arrays, path, $"y_{split}").ToInt32();
        if (lengths.Length != labels.Length)
            throw new InvalidDataException($"'{path}': x_{split}_lengths holds {lengths.Length} reviews but y_{split} {labels.Length} labels.");
        long total = 0;
        foreach (int n in lengths)
        {
            if (n < 0) throw new InvalidDataException($"'{path}': x_{split}_lengths holds a negative length {n}.");
            total += n;
        }
        if (total != tokens.Length)
            throw new InvalidDataException($"'{path}': the lengths in x_{split}_lengths add up to {total} but x_{split} holds {tokens.Length} indices.");
        var reviews = new int[lengths.Length][];
        int offset = 0;
        for (int r = 0; r < reviews.Length; r++)
        {
            var review = new int[lengths[r] + 1];
            review[0] = startChar;
            for (int i = 0; i < lengths[r]; i++) review[i + 1] = tokens[offset + i] + indexFrom;
            offset += lengths[r];
            reviews[r] = review;
        }
        return new Split(reviews, labels);
    }

    private static NpyArray Get(IReadOnlyDictionary<string, NpyArray> arrays, string path, string key) =>
        arrays.TryGetValue(key, out var array)
            ? array
            : throw new InvalidDataException($"'{path}' has no array '{key}' (it holds {string.Join(", ", arrays.Keys)}).");

    private static int MaxIndex(int[][] reviews)
    {
        int max = 0;
        foreach (var review in reviews)
            foreach (int w in review) max = Math.Max(max, w);
        return max;
    }

    /// <summary>
    /// The data for the imdb_lstm example: Keras's imdb.npz (or a converted archive) in
    /// <paramref name="directory"/> (default: Keras's cache ~/.keras/datasets), loaded with
    /// <paramref name="numWords"/>. Returns null, after writing to <paramref name="errors"/> where
    /// to get the data, when neither file is there.
    /// </summary>
    public static (Split Train, Split Test)? LoadForExample(string? directory, int numWords, TextWriter errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        string dir = directory ?? Mnist.DefaultCacheDirectory;
        foreach (var name in new[] { KerasFileName, ConvertedFileName })
        {
            string path = Path.Combine(dir, name);
            if (File.Exists(path)) return Load(path, numWords);
        }
        errors.WriteLine($"IMDB data was not found in {dir}.");
        errors.WriteLine($"Download Keras's copy from {Url} into {dir} (or into a folder given with --data DIR); it is read as it is.");
        return null;
    }
}
