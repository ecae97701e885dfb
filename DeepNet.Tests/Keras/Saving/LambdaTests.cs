using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Saving;
using Newtonsoft.Json.Linq;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// Lambda over several inputs (a function of a list) and Lambda's mask argument (Keras
/// <c>Lambda(mask=...)</c>): values against float64 loops, configs and save/load with the
/// functions registered by name.
/// </summary>
public class LambdaTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-lambda-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    // ---- several inputs ---------------------------------------------------------------------------

    private static readonly Func<IReadOnlyList<Tensor>, Tensor> s_productPlusFirst = xs => Ops.Add(Ops.Multiply(xs[0], xs[1]), xs[0]);

    private static readonly float[] s_a = [0.5f, -1.5f, 2f, -0.25f, 1f, 3f];
    private static readonly float[] s_b = [2f, 0.5f, -1f, 4f, -3f, 0.25f];

    private static Model ProductModel()
    {
        var a = KerasApi.Input([3], name: "a");
        var b = KerasApi.Input([3], name: "b");
        var y = new Lambda(s_productPlusFirst, functionName: "product_plus_first", name: "combine").Apply(a, b);
        return new Model([a, b], [y], name: "two_in");
    }

    private static Tensor[] ProductInputs() => [Tensor.FromArray(s_a, new Shape(2, 3)), Tensor.FromArray(s_b, new Shape(2, 3))];

    [Test]
    public void Lambda_OverTwoInputs_ComputesItsFunctionAndInfersTheShape()
    {
        var model = ProductModel();

        Assert.That(model.Outputs[0].Shape, Is.EqualTo(new KerasShape(null, 3)));
        var got = model.PredictMany(ProductInputs())[0].ToArray();
        var want = s_a.Select((a, i) => (double)a * s_b[i] + a).ToArray();
        KerasTestUtil.AssertClose(got, want, atol: 1e-6, rtol: 0);
    }

    [Test]
    public void Lambda_OneInputFunctionCalledOnTwoInputs_ThrowsNamingTheLayer()
    {
        var a = KerasApi.Input([3]);
        var b = KerasApi.Input([3]);
        var layer = new Lambda(x => Ops.Square(x), name: "square_only");

        var e = Assert.Throws<ArgumentException>(() => layer.Apply(a, b));

        Assert.That(e!.Message, Does.Contain("'square_only'").And.Contain("2 inputs"));
    }

    [TestCase("m.keras")]
    [TestCase("m.h5")]
    public void LoadModel_TwoInputLambda_WithCustomObjects_PredictsTheSame(string file)
    {
        var model = ProductModel();
        string path = Path.Combine(_dir, file);
        model.Save(path);

        var loaded = KerasModels.LoadModel(path, customObjects: new Dictionary<string, object> { ["product_plus_first"] = s_productPlusFirst });

        Assert.That(loaded.Layers.OfType<Lambda>().Single().TakesOneInput, Is.False);
        Assert.That(loaded.PredictMany(ProductInputs())[0].ToArray(), Is.EqualTo(model.PredictMany(ProductInputs())[0].ToArray()));
    }

    // ---- mask -------------------------------------------------------------------------------------

    private static readonly Func<Tensor, Tensor> s_double = x => Ops.Multiply(x, 2f);

    /// <summary>A timestep is kept where its feature is non-zero.</summary>
    private static readonly Func<Tensor, Tensor?, Tensor?> s_nonZeroSteps = (x, _) =>
    {
        var energy = Ops.Sum(Ops.Multiply(x, x), [2]);
        return Ops.Greater(energy, Tensor.Zeros(energy.Shape));
    };

    private const float Kernel = 0.75f, Recurrent = 0.5f;

    /// <summary>(T, 1) → Lambda(2x, mask: non-zero steps) → SimpleRNN(1, linear) with set weights.</summary>
    private static Model MaskedRnnModel()
    {
        var x = KerasApi.Input([4, 1], name: "seq");
        var doubled = new Lambda(s_double, functionName: "double", name: "twice", mask: s_nonZeroSteps, maskName: "non_zero_steps").Apply(x);
        var rnn = new SimpleRNN(1, activation: "linear", name: "rnn");
        var h = rnn.Apply(doubled);
        rnn.Weights[0].Assign([Kernel]);
        rnn.Weights[1].Assign([Recurrent]);
        rnn.Weights[2].Assign([0f]);
        return new Model(x, h, name: "masked");
    }

    private static readonly float[] s_steps = [1f, 0f, 2f, 0f, /* second sample */ 0f, 3f, 0f, -1f];

    /// <summary>h ← 2x·k + h·r on kept steps; a masked step carries h unchanged (Keras's RNN masking).</summary>
    private static double[] MaskedRnnReference(bool masked = true)
    {
        var result = new double[2];
        for (int b = 0; b < 2; b++)
        {
            double h = 0;
            for (int t = 0; t < 4; t++)
            {
                double x = s_steps[b * 4 + t];
                if (x != 0 || !masked) h = 2 * x * Kernel + h * Recurrent;
            }
            result[b] = h;
        }
        return result;
    }

    [Test]
    public void Lambda_WithMask_GivesItsOutputMaskToTheNextLayer()
    {
        var model = MaskedRnnModel();

        var got = model.Predict(Tensor.FromArray(s_steps, new Shape(2, 4, 1))).ToArray();

        KerasTestUtil.AssertClose(got, MaskedRnnReference(), atol: 1e-6, rtol: 0);
        // Without the mask the zero steps would decay h, so the data tells the two apart.
        Assert.That(Math.Abs(MaskedRnnReference()[0] - MaskedRnnReference(masked: false)[0]), Is.GreaterThan(1e-3));
    }

    [Test]
    public void Lambda_WithoutMask_HasNoOutputMask()
    {
        var layer = new Lambda(s_double, name: "plain");
        using var x = Tensor.FromArray(new[] { 1f, 0f }, new Shape(1, 2, 1));
        using var mask = Tensor.FromArray(new[] { 1f, 0f }, new Shape(1, 2));

        Assert.That(layer.SupportsMasking, Is.False);
        Assert.That(layer.ComputeMask(x, mask), Is.Null);
    }

    [Test]
    public void Lambda_GetConfig_NamesTheMaskFunction()
    {
        var layer = new Lambda(s_double, functionName: "double", name: "twice", mask: s_nonZeroSteps, maskName: "non_zero_steps");
        var unnamed = new Lambda(s_double, name: "twice_2", mask: s_nonZeroSteps);

        var config = layer.GetConfig();

        Assert.That(config["mask"]!["class_name"]!.Value<string>(), Is.EqualTo("function"));
        Assert.That(config["mask"]!["config"]!.Value<string>(), Is.EqualTo("non_zero_steps"));
        Assert.That(unnamed.GetConfig()["mask"]!["config"]!.Value<string>(), Is.EqualTo("twice_2_mask"));
    }

    [TestCase("m.keras")]
    [TestCase("m.h5")]
    public void LoadModel_LambdaWithMask_WithCustomObjects_PredictsTheSame(string file)
    {
        var model = MaskedRnnModel();
        string path = Path.Combine(_dir, file);
        model.Save(path);

        var loaded = KerasModels.LoadModel(path, customObjects: new Dictionary<string, object>
        {
            ["double"] = s_double,
            ["non_zero_steps"] = s_nonZeroSteps,
        });

        var x = Tensor.FromArray(s_steps, new Shape(2, 4, 1));
        Assert.That(loaded.Predict(x).ToArray(), Is.EqualTo(model.Predict(x).ToArray()));
        Assert.That(loaded.Layers.OfType<Lambda>().Single().MaskName, Is.EqualTo("non_zero_steps"));
    }

    [Test]
    public void LoadModel_LambdaWithUnregisteredMask_FailsNamingTheMask()
    {
        var model = MaskedRnnModel();
        string path = Path.Combine(_dir, "m.keras");
        model.Save(path);

        var e = Assert.Throws<KerasFileException>(() => KerasModels.LoadModel(path, customObjects: new Dictionary<string, object> { ["double"] = s_double }));

        Assert.That(e!.Message, Does.Contain("'twice'").And.Contain("non_zero_steps"));
    }

    [Test]
    public void ModelFromJson_LambdaWithConstantMask_IsNotSupported()
    {
        const string json = """
            {"class_name": "Sequential", "config": {"name": "s", "layers": [
              {"class_name": "InputLayer", "config": {"batch_shape": [null, 3], "name": "x"}},
              {"class_name": "Lambda", "config": {"name": "lam", "function": {"module": "__main__", "class_name": "function", "config": "double", "registered_name": "double"},
                "mask": {"class_name": "__tensor__", "config": {"value": [true, false, true], "dtype": "bool"}}, "arguments": {}}}]}}
            """;

        var e = Assert.Throws<KerasFileException>(() => KerasModels.ModelFromJson(json, new Dictionary<string, object> { ["double"] = s_double }));

        Assert.That(e!.Message, Does.Contain("'lam'").And.Contain("constant mask"));
    }
}
