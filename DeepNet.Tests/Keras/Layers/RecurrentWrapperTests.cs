using DeepNet.Keras;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>Bidirectional and TimeDistributed against the layers they wrap run by hand.</summary>
public class RecurrentWrapperTests
{
    [TestCase("concat", true)]
    [TestCase("sum", false)]
    [TestCase("mul", true)]
    [TestCase("ave", true)]
    [TestCase(null, true)]
    public void Bidirectional_MergesForwardAndTimeReversedBackward(string? mergeMode, bool returnSequences)
    {
        const int batch = 2, steps = 4, features = 3, units = 2;
        var x = KerasTestUtil.Random(41, batch, steps, features);
        var bi = new Bidirectional(new LSTM(units, returnSequences: returnSequences), mergeMode);
        bi.EnsureBuilt(KerasShape.Of(x.Shape));
        Assert.That(bi.Weights, Has.Count.EqualTo(6));
        Assert.That(bi.Forward.Name, Does.StartWith("forward_"));
        Assert.That(bi.Backward.Name, Does.StartWith("backward_"));
        Assert.That(bi.Backward.GoBackwards, Is.True);

        var forward = new LSTM(units, returnSequences: returnSequences);
        var backward = new LSTM(units, returnSequences: returnSequences, goBackwards: true);
        forward.EnsureBuilt(KerasShape.Of(x.Shape));
        backward.EnsureBuilt(KerasShape.Of(x.Shape));
        var w = bi.GetWeights();
        forward.SetWeights(w[..3]);
        backward.SetWeights(w[3..]);
        var yf = forward.Apply(x).ToArray();
        var ybRaw = backward.Apply(x).ToArray();
        var yb = new float[ybRaw.Length];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < (returnSequences ? steps : 1); t++)
            {
                int src = returnSequences ? steps - 1 - t : 0;
                int rows = returnSequences ? steps : 1;
                Array.Copy(ybRaw, (b * rows + src) * units, yb, (b * rows + t) * units, units);
            }
        }
        var outputs = bi.ApplyMany([x]);
        if (mergeMode is null)
        {
            Assert.That(outputs, Has.Length.EqualTo(2));
            KerasTestUtil.AssertClose(outputs[0].ToArray(), yf, 1e-6, 1e-6);
            KerasTestUtil.AssertClose(outputs[1].ToArray(), yb, 1e-6, 1e-6);
            return;
        }
        var expected = new double[mergeMode == "concat" ? yf.Length * 2 : yf.Length];
        for (int r = 0; r < yf.Length / units; r++)
        {
            for (int i = 0; i < units; i++)
            {
                double a = yf[r * units + i], c = yb[r * units + i];
                if (mergeMode == "concat")
                {
                    expected[r * 2 * units + i] = a;
                    expected[r * 2 * units + units + i] = c;
                }
                else expected[r * units + i] = mergeMode switch { "sum" => a + c, "mul" => a * c, _ => (a + c) / 2 };
            }
        }
        KerasTestUtil.AssertClose(outputs.Single().ToArray(), expected, 1e-6, 1e-5);
    }

    [Test]
    public void Bidirectional_ConfigRoundTrip_KeepsLayersAndMergeMode()
    {
        var bi = new Bidirectional(new GRU(3, returnSequences: true), "sum");
        var config = bi.GetConfig();
        Assert.That(config.Value<string>("merge_mode"), Is.EqualTo("sum"));
        Assert.That(config["layer"]!.Value<string>("class_name"), Is.EqualTo("GRU"));
        Assert.That(config["backward_layer"]!["config"]!.Value<bool>("go_backwards"), Is.True);
        var clone = Layer.FromConfig("Bidirectional", config);
        Assert.That(JToken.DeepEquals(clone.GetConfig(), config), Is.True, $"{config}\nvs\n{clone.GetConfig()}");
        Assert.Throws<ArgumentException>(() => new Bidirectional(new GRU(3), "max"));
    }

    [Test]
    public void TimeDistributed_Dense_EqualsDenseOnEachStep()
    {
        var x = KerasTestUtil.Random(51, 2, 3, 4);
        var td = new TimeDistributed(new Dense(5));
        var y = td.Apply(x);
        Assert.That(y.Shape, Is.EqualTo(new Shape(2, 3, 5)));
        var dense = (Dense)td.Inner;
        var direct = dense.Apply(x);
        KerasTestUtil.AssertClose(y.ToArray(), direct.ToArray(), 1e-6, 1e-6);
        var clone = Layer.FromConfig("TimeDistributed", td.GetConfig());
        Assert.That(JToken.DeepEquals(clone.GetConfig(), td.GetConfig()), Is.True);
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData((Func<Layer>)(() => new Bidirectional(new LSTM(3))), new[] { 2, 5, 4 }, new[] { 2, 6 }, 6).SetName("LayerHarness_Bidirectional");
        yield return new TestCaseData((Func<Layer>)(() => new TimeDistributed(new Dense(3))), new[] { 2, 5, 4 }, new[] { 2, 5, 3 }, 2).SetName("LayerHarness_TimeDistributed");
    }

    [TestCaseSource(nameof(Cases))]
    public void Wrapper(Func<Layer> make, int[] input, int[] output, int trainable) => LayerHarness.Run(make, input, output, trainable);
}
