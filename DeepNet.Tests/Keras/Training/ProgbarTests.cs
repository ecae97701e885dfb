using System.Text.RegularExpressions;
using DeepNet.Keras;
using DeepNet.Keras.Callbacks;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Training;
using DeepNet.Keras.Utils;

namespace DeepNet.Tests.Keras.Training;

public class ProgbarTests
{
    [TestCase(0.5, "0.5000")]
    [TestCase(12.3456789, "12.3457")]
    [TestCase(0.0001234, "1.2340e-04")]
    [TestCase(0.0, "0.0000e+00")]
    public void FormatValue_FollowsKeras(double value, string expected) => Assert.That(Progbar.FormatValue(value), Is.EqualTo(expected));

    [TestCase(2.4, " 2s/step")]
    [TestCase(0.0123, " 12ms/step")]
    [TestCase(0.0004, " 400us/step")]
    [TestCase(0.0, " 0s/step")]
    public void FormatTime_FollowsKeras(double seconds, string expected) => Assert.That(Progbar.FormatTime(seconds, "step"), Is.EqualTo(expected));

    [Test]
    public void Verbose1_Redirected_PrintsOneBarLinePerEpoch()
    {
        KerasSession.ClearSession();
        var writer = new StringWriter();
        var model = new Sequential([new Dense(1, inputDim: 2)]);
        model.Compile(optimizer: "sgd", loss: "mse");
        using var x = KerasTestUtil.Random(1, 8, 2);
        using var y = KerasTestUtil.Random(2, 8, 1);
        model.Fit(x, y, epochs: 2, batchSize: 4, verbose: 1, callbacks: [new ProgbarLogger(writer)]);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("Backend: "));
        Assert.That(lines[1], Is.EqualTo("Epoch 1/2"));
        string bar = "\x1b[1m2/2\x1b[0m \x1b[32m" + new string('━', 20) + "\x1b[0m\x1b[37m\x1b[0m";
        Assert.That(lines[2], Does.StartWith(bar));
        Assert.That(lines[2][bar.Length..], Does.Match(@"^ \d+s \d+(s|ms|us)/step - loss: \d+\.\d{4}$"));
        Assert.That(lines[3], Is.EqualTo("Epoch 2/2"));
        Assert.That(lines, Has.Length.EqualTo(5));
    }

    [Test]
    public void Verbose2_PrintsKerasEpochLine()
    {
        KerasSession.ClearSession();
        var writer = new StringWriter();
        var model = new Sequential([new Dense(1, inputDim: 2)]);
        model.Compile(optimizer: "sgd", loss: "mse");
        using var x = KerasTestUtil.Random(1, 8, 2);
        using var y = KerasTestUtil.Random(2, 8, 1);
        model.Fit(x, y, epochs: 1, batchSize: 4, verbose: 2, validationSplit: 0.25, callbacks: [new ProgbarLogger(writer)]);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(2), writer.ToString());
        Assert.That(lines[1], Does.Match(@"^2/2 - \d+s - \d+(s|ms|us)/step - loss: \d+\.\d{4} - val_loss: \d+\.\d{4}$"));
    }

    [Test]
    public void PythonFormat_FillsKerasFilepathTemplates()
    {
        var values = new Dictionary<string, double> { ["epoch"] = 7, ["val_loss"] = 0.98765, ["acc"] = 0.5 };
        Assert.That(PythonFormat.Format("w.{epoch:02d}-{val_loss:.2f}.h5", values), Is.EqualTo("w.07-0.99.h5"));
        Assert.That(PythonFormat.Format("{epoch:4d}|{acc:6.3f}|{{x}}", values), Is.EqualTo("   7| 0.500|{x}"));
        Assert.That(PythonFormat.Format("{epoch}", values), Is.EqualTo("7.0"));
        Assert.That(Assert.Throws<KeyNotFoundException>(() => PythonFormat.Format("{loss}", values))!.Message, Does.Contain("loss").And.Contain("val_loss"));
    }

    [TestCase(0.1, "0.1")]
    [TestCase(100.0, "100.0")]
    [TestCase(1e-05, "1e-05")]
    [TestCase(1.5e-07, "1.5e-07")]
    [TestCase(0.0001, "0.0001")]
    [TestCase(1e16, "1e+16")]
    public void PythonRepr_MatchesPython(double value, string expected) => Assert.That(PythonFormat.Repr(value), Is.EqualTo(expected));

    [Test]
    public void Verbose1_Terminal_RedrawsTheLineWithCarriageReturns()
    {
        var writer = new StringWriter();
        var bar = new Progbar(3, 1, output: writer, dynamicDisplay: true);
        bar.Update(1, [new("loss", 1.0)]);
        Thread.Sleep(60);
        bar.Update(2, [new("loss", 0.5)]);
        bar.Update(3, [new("loss", 0.25)], finalize: true);
        var text = writer.ToString();
        Assert.That(Regex.Matches(text, "\r").Count, Is.EqualTo(3));
        Assert.That(text, Does.EndWith("loss: 0.2500\n"));
        Assert.That(text, Does.Contain("ETA").Or.Match(@"\dms/step"));
    }
}
