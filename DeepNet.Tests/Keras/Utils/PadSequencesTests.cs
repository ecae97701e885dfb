using DeepNet.Keras.Utils;

namespace DeepNet.Tests.Keras.Utils;

/// <summary>keras.utils.pad_sequences: the examples of Keras's docstring, then the other options.</summary>
public class PadSequencesTests
{
    private static readonly int[][] Docstring = [[1], [2, 3], [4, 5, 6]];

    [Test]
    public void Defaults_PadAtTheStartToTheLongest()
    {
        Assert.That(Sequences.PadSequences(Docstring), Is.EqualTo(new[,] { { 0, 0, 1 }, { 0, 2, 3 }, { 4, 5, 6 } }));
    }

    [Test]
    public void Value_IsThePaddingValue()
    {
        Assert.That(Sequences.PadSequences(Docstring, value: -1), Is.EqualTo(new[,] { { -1, -1, 1 }, { -1, 2, 3 }, { 4, 5, 6 } }));
    }

    [Test]
    public void PaddingPost_PadsAtTheEnd()
    {
        Assert.That(Sequences.PadSequences(Docstring, padding: "post"), Is.EqualTo(new[,] { { 1, 0, 0 }, { 2, 3, 0 }, { 4, 5, 6 } }));
    }

    [Test]
    public void Maxlen_TruncatesAtTheStartByDefault()
    {
        Assert.That(Sequences.PadSequences(Docstring, maxlen: 2), Is.EqualTo(new[,] { { 0, 1 }, { 2, 3 }, { 5, 6 } }));
    }

    [Test]
    public void TruncatingPost_KeepsTheFirstValues_WithPostPadding()
    {
        int[][] sequences = [[1, 2, 3, 4], [5], []];
        Assert.That(Sequences.PadSequences(sequences, maxlen: 3, padding: "post", truncating: "post"),
            Is.EqualTo(new[,] { { 1, 2, 3 }, { 5, 0, 0 }, { 0, 0, 0 } }));
    }

    [Test]
    public void FloatSequences_AndLists_Work()
    {
        var sequences = new List<List<float>> { new() { 0.5f, 1.5f }, new() { 2.5f } };
        Assert.That(Sequences.PadSequences<float>(sequences.Select(s => (IReadOnlyList<float>)s).ToList(), maxlen: 3, value: -1f),
            Is.EqualTo(new[,] { { -1f, 0.5f, 1.5f }, { -1f, -1f, 2.5f } }));
    }

    [Test]
    public void NoSequences_GiveAnEmptyArray()
    {
        Assert.That(Sequences.PadSequences(Array.Empty<int[]>(), maxlen: 4).GetLength(0), Is.EqualTo(0));
    }

    [Test]
    public void BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => Sequences.PadSequences(Docstring, padding: "middle"));
        Assert.Throws<ArgumentException>(() => Sequences.PadSequences(Docstring, truncating: "middle"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sequences.PadSequences(Docstring, maxlen: -1));
    }
}
