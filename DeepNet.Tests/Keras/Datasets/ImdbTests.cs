using DeepNet.Keras.Datasets;
using DeepNet.Numpy;
using DeepNet.Tests.Keras.Saving;
using ImdbLstm;

namespace DeepNet.Tests.Keras.Datasets;

/// <summary>The IMDB loader (Keras's load_data transform on Keras's own file and on converted arrays) and the ImdbLstm example's no-data path.</summary>
public class ImdbTests
{
    private string _dir = "";

    [SetUp]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-imdb-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>A converted archive: raw indices of each review one after another, lengths, labels.</summary>
    internal static void WriteConverted(string path, int[][] train, int[] trainLabels, int[][] test, int[] testLabels)
    {
        Npz.Write(path, new Dictionary<string, NpyArray>
        {
            ["x_train"] = NpyArray.Create(train.SelectMany(r => r).ToArray()),
            ["x_train_lengths"] = NpyArray.Create(train.Select(r => r.Length).ToArray()),
            ["y_train"] = NpyArray.Create(trainLabels),
            ["x_test"] = NpyArray.Create(test.SelectMany(r => r).ToArray()),
            ["x_test_lengths"] = NpyArray.Create(test.Select(r => r.Length).ToArray()),
            ["y_test"] = NpyArray.Create(testLabels),
        });
    }

    [Test]
    public void Load_AppliesKerasLoadDataTransform()
    {
        string path = Path.Combine(_dir, Imdb.ConvertedFileName);
        WriteConverted(path, [[5, 0, 9], []], [1, 0], [[1, 2, 3, 4]], [1]);

        var (train, test) = Imdb.Load(path, numWords: 8);
        // Keras: [start_char] + [w + index_from ...], then w ≥ num_words → oov_char.
        Assert.That(train.Sequences, Is.EqualTo(new[] { new[] { 1, 2, 3, 2 }, new[] { 1 } }));
        Assert.That(train.Labels, Is.EqualTo(new[] { 1, 0 }));
        Assert.That(test.Sequences, Is.EqualTo(new[] { new[] { 1, 4, 5, 6, 7 } }));

        var (skipped, _) = Imdb.Load(path, numWords: 8, skipTop: 2);
        Assert.That(skipped.Sequences[0], Is.EqualTo(new[] { 2, 2, 3, 2 }));
    }

    [Test]
    public void Load_WithoutNumWords_ReplacesTheLargestIndexAsKerasDoes()
    {
        string path = Path.Combine(_dir, Imdb.ConvertedFileName);
        WriteConverted(path, [[5, 0]], [1], [[2]], [0]);
        // Keras bounds by max index (8 here) with a strict <, so the largest word itself becomes OOV.
        var (train, test) = Imdb.Load(path);
        Assert.That(train.Sequences[0], Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(test.Sequences[0], Is.EqualTo(new[] { 1, 5 }));
    }

    [Test]
    public void Load_LengthsNotMatchingTheIndices_ThrowsNamingTheArrays()
    {
        string path = Path.Combine(_dir, Imdb.ConvertedFileName);
        Npz.Write(path, new Dictionary<string, NpyArray>
        {
            ["x_train"] = NpyArray.Create(new[] { 1, 2, 3 }),
            ["x_train_lengths"] = NpyArray.Create(new[] { 2, 2 }),
            ["y_train"] = NpyArray.Create(new[] { 0, 1 }),
            ["x_test"] = NpyArray.Create(new[] { 1 }),
            ["x_test_lengths"] = NpyArray.Create(new[] { 1 }),
            ["y_test"] = NpyArray.Create(new[] { 0 }),
        });
        var ex = Assert.Throws<InvalidDataException>(() => Imdb.Load(path));
        Assert.That(ex!.Message, Does.Contain("x_train_lengths").And.Contain("4").And.Contain("3"));
    }

    [Test]
    public void Example_WithoutData_SaysWhereToGetItAndExitsNonZero()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = ImdbLstmExample.Run(["--data", _dir, "--backend", "cpu"], output, errors);
        Assert.That(code, Is.Not.EqualTo(0));
        string message = errors.ToString();
        Assert.That(message, Does.Contain(Imdb.Url).And.Contain(_dir));
    }

    [Test]
    public void KerasOwnFile_PickledLists_LoadsAsTheSameDataConverted()
    {
        // Keras's imdb.npz form (object arrays of Python lists, int64 labels), written by numpy.
        const string writer = """
            import sys, numpy as np
            def obj(items):
                a = np.empty(len(items), dtype=object)
                for i, s in enumerate(items):
                    a[i] = s
                return a
            np.savez(sys.argv[1], x_train=obj([[1, 14, 22], [5, 9], [40]]), y_train=np.array([1, 0, 1]),
                     x_test=obj([[3, 3, 3, 3], []]), y_test=np.array([0, 1]))
            """;
        string original = Path.Combine(_dir, Imdb.KerasFileName);
        H5Py.RunScript(_dir, writer, original);
        string converted = Path.Combine(_dir, Imdb.ConvertedFileName);
        WriteConverted(converted, [[1, 14, 22], [5, 9], [40]], [1, 0, 1], [[3, 3, 3, 3], []], [0, 1]);

        var (train, test) = Imdb.Load(original, numWords: 20);
        var (train2, test2) = Imdb.Load(converted, numWords: 20);
        Assert.Multiple(() =>
        {
            // numpy: RandomState(113) shuffles arange(3) to [2, 0, 1], then arange(2) to [1, 0].
            // start_char 1, indices shifted by index_from 3, 22 + 3 and 40 + 3 ≥ num_words 20 become oov_char 2.
            Assert.That(train.Sequences, Is.EqualTo(new[] { new[] { 1, 2 }, new[] { 1, 4, 17, 2 }, new[] { 1, 8, 12 } }));
            Assert.That(test.Sequences, Is.EqualTo(new[] { new[] { 1 }, new[] { 1, 6, 6, 6, 6 } }));
            Assert.That(train.Labels, Is.EqualTo(new[] { 1, 1, 0 }));
            Assert.That(test.Labels, Is.EqualTo(new[] { 1, 0 }));
            Assert.That(train2.Sequences, Is.EqualTo(train.Sequences));
            Assert.That(test2.Sequences, Is.EqualTo(test.Sequences));
        });
    }

    [Test]
    public void NumpyRandomState_ShufflesAsNumpyDoes()
    {
        // numpy 1.24: r = np.random.RandomState(113); r.shuffle(np.arange(10)); then r.shuffle(np.arange(7)).
        var rng = new NumpyRandomState(113);
        var a = Enumerable.Range(0, 10).ToArray();
        rng.Shuffle(a);
        var b = Enumerable.Range(0, 7).ToArray();
        rng.Shuffle(b);
        Assert.That(a, Is.EqualTo(new[] { 9, 3, 6, 1, 0, 7, 4, 8, 2, 5 }));
        Assert.That(b, Is.EqualTo(new[] { 5, 1, 0, 3, 6, 4, 2 }));
    }

    [Test]
    public void NumpyRandomState_ImdbSizedShuffles_MatchNumpyLive()
    {
        // The two 25,000-review permutations Keras's load_data makes, from numpy itself.
        string printed = H5Py.RunScript(_dir, """
            import numpy as np
            r = np.random.RandomState(113)
            for n in (25000, 25000):
                a = np.arange(n); r.shuffle(a); print(" ".join(map(str, a)))
            """);
        var lines = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var rng = new NumpyRandomState(113);
        for (int k = 0; k < 2; k++)
        {
            var order = Enumerable.Range(0, 25000).ToArray();
            rng.Shuffle(order);
            Assert.That(order, Is.EqualTo(lines[k].Split(' ').Select(int.Parse).ToArray()), $"split {k}");
        }
    }
}
