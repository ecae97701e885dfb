using DeepNet.Keras;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Models;

public class SummaryTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    /// <summary>The mnist_mlp model of Keras's examples.</summary>
    internal static Sequential MnistMlp()
    {
        var model = new Sequential();
        model.Add(new Dense(512, activation: "relu") { InputShape = [784] });
        model.Add(new Dropout(0.2f));
        model.Add(new Dense(512, activation: "relu"));
        model.Add(new Dropout(0.2f));
        model.Add(new Dense(10, activation: "softmax"));
        return model;
    }

    [Test]
    public void MnistMlpSummary_ShowsKerasRowsShapesAndTotals()
    {
        var text = MnistMlp().SummaryText();
        var lines = text.Split('\n');
        Assert.That(lines[0], Is.EqualTo("Model: \"sequential\""));
        Assert.That(lines[2], Is.EqualTo("┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃"));
        string[] rows =
        [
            "│ dense (Dense)                        │ (None, 512)                 │         401,920 │",
            "│ dropout (Dropout)                    │ (None, 512)                 │               0 │",
            "│ dense_1 (Dense)                      │ (None, 512)                 │         262,656 │",
            "│ dropout_1 (Dropout)                  │ (None, 512)                 │               0 │",
            "│ dense_2 (Dense)                      │ (None, 10)                  │           5,130 │",
        ];
        foreach (var row in rows) Assert.That(lines, Does.Contain(row));
        Assert.That(lines, Does.Contain(" Total params: 669,706 (2.55 MB)"));
        Assert.That(lines, Does.Contain(" Trainable params: 669,706 (2.55 MB)"));
        Assert.That(lines, Does.Contain(" Non-trainable params: 0 (0.00 B)"));
        Assert.That(lines.All(l => l.Length == 0 || l.StartsWith(' ') || l.StartsWith("Model") || l.Length == 88), Is.True, "table lines are 88 wide");
    }

    [Test]
    public void FunctionalSummary_HasConnectedToColumn()
    {
        var a = KerasApi.Input([3], name: "a");
        var b = KerasApi.Input([3], name: "b");
        var sum = new Add(name: "sum").Apply(new Dense(2, name: "da").Apply(a), new Dense(2, name: "db").Apply(b));
        var text = new Model([a, b], [sum], name: "two").SummaryText();
        Assert.That(text, Does.Contain("Connected to"));
        Assert.That(text, Does.Contain("a (InputLayer)"));
        Assert.That(text, Does.Contain("da[0][0]"));
        Assert.That(text, Does.Contain(" Total params: 16 (64.00 B)"));
        // rich's widths for Keras's 108-column functional table (stops 0.30/0.56/0.74/1.0), worked
        // out by hand: 32/28/19/29 + padding = 116 > 103 inside the borders; taking the excess of 13
        // in turns (round(13/4) = 3, round(10/3) = 3, round(7/2) = 4, 3) leaves 31/27/17/28.
        string top = "┏" + new string('━', 31) + "┳" + new string('━', 27) + "┳" + new string('━', 17) + "┳" + new string('━', 28) + "┓";
        Assert.That(text.Split('\n')[1], Is.EqualTo(top));
    }
}
