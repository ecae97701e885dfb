using DeepNet.Keras.Datasets;
using DeepNet.Numpy;
using ImdbLstm;

namespace DeepNet.Tests.Keras.Datasets;

/// <summary>The IMDB loader (Keras's load_data transform on the converted arrays) and the ImdbLstm example's no-data path.</summary>
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
        Assert.That(message, Does.Contain(Imdb.Url).And.Contain(_dir).And.Contain(Imdb.ConvertCommand));
    }

    [Test]
    public void Example_WithKerasPickledFileOnly_ExplainsTheConversionAndExitsNonZero()
    {
        File.WriteAllBytes(Path.Combine(_dir, Imdb.KerasFileName), [0x50, 0x4B, 0x05, 0x06]);
        var errors = new StringWriter();
        int code = ImdbLstmExample.Run(["--data", _dir, "--backend", "cpu"], new StringWriter(), errors);
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(errors.ToString(), Does.Contain("pickled").And.Contain(Imdb.ConvertCommand));
    }
}
