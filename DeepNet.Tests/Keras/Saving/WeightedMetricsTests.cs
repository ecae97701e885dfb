using System.IO.Compression;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// Compile(weightedMetrics: ...) as Keras's CompileMetrics: plain metrics ignore sample weights,
/// weighted metrics use them, a name taken by a plain metric becomes weighted_&lt;name&gt;, and the
/// list is saved in training_config / compile_config and restored on load.
/// </summary>
public class WeightedMetricsTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-weighted-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static readonly float[,] s_x = { { 1f, 2f }, { -1f, 0.5f }, { 3f, -2f }, { 0f, 1f } };
    private static readonly float[,] s_y = { { 1f }, { 0f }, { -2f }, { 4f } };
    private static readonly float[] s_w = [1f, 0f, 3f, 0.5f];
    private static readonly float[] s_kernel = [0.5f, -1f];
    private const float Bias = 0.25f;

    /// <summary>A linear Dense(1) with set weights: prediction = x·k + b.</summary>
    private static Sequential Linear()
    {
        var model = new Sequential(name: "linear");
        model.Add(KerasApi.Input([2]));
        model.Add(new Dense(1, name: "dense"));
        model.Layers[0].Weights[0].Assign(s_kernel);
        model.Layers[0].Weights[1].Assign([Bias]);
        return model;
    }

    /// <summary>Mean absolute error in float64, each sample weighted by <paramref name="weights"/> (null: unweighted).</summary>
    private static double Mae(float[]? weights)
    {
        double sum = 0, total = 0;
        for (int i = 0; i < s_x.GetLength(0); i++)
        {
            double prediction = (double)s_x[i, 0] * s_kernel[0] + (double)s_x[i, 1] * s_kernel[1] + Bias;
            double w = weights?[i] ?? 1.0;
            sum += w * Math.Abs(prediction - s_y[i, 0]);
            total += w;
        }
        return sum / total;
    }

    private static IReadOnlyDictionary<string, double> EvaluateWeighted(Model model) =>
        model.Evaluate(new Tensor(s_x), new Tensor(s_y), verbose: 0, sampleWeight: new Tensor(s_w));

    [Test]
    public void Evaluate_WithSampleWeights_PlainMetricIgnoresThemAndWeightedMetricUsesThem()
    {
        var model = Linear();
        model.Compile("sgd", "mse", metrics: ["mean_absolute_error"], weightedMetrics: ["mean_absolute_error"]);

        var logs = EvaluateWeighted(model);

        Assert.That(logs.Keys, Is.EquivalentTo(new[] { "loss", "mean_absolute_error", "weighted_mean_absolute_error" }));
        Assert.That(logs["mean_absolute_error"], Is.EqualTo(Mae(null)).Within(1e-6));
        Assert.That(logs["weighted_mean_absolute_error"], Is.EqualTo(Mae(s_w)).Within(1e-6));
        Assert.That(Mae(s_w), Is.Not.EqualTo(Mae(null)).Within(1e-3), "the data must tell the two apart");
    }

    [Test]
    public void Evaluate_WeightedMetricOnly_KeepsItsOwnName()
    {
        var model = Linear();
        model.Compile("sgd", "mse", weightedMetrics: ["mean_absolute_error"]);

        var logs = EvaluateWeighted(model);

        Assert.That(logs.Keys, Is.EquivalentTo(new[] { "loss", "mean_absolute_error" }));
        Assert.That(logs["mean_absolute_error"], Is.EqualTo(Mae(s_w)).Within(1e-6));
    }

    [Test]
    public void Evaluate_PlainMetricWithoutWeightedMetrics_IgnoresSampleWeights()
    {
        var model = Linear();
        model.Compile("sgd", "mse", metrics: ["mean_absolute_error"]);

        var logs = EvaluateWeighted(model);

        Assert.That(logs["mean_absolute_error"], Is.EqualTo(Mae(null)).Within(1e-6));
    }

    [TestCase("m.keras")]
    [TestCase("m.h5")]
    public void SaveThenLoadModel_RestoresWeightedMetrics(string file)
    {
        var model = Linear();
        model.Compile("sgd", "mse", metrics: ["mean_absolute_error"], weightedMetrics: ["mean_absolute_error"]);
        string path = Path.Combine(_dir, file);
        model.Save(path);

        var loaded = KerasModels.LoadModel(path);
        var logs = EvaluateWeighted(loaded);

        Assert.That(logs["mean_absolute_error"], Is.EqualTo(Mae(null)).Within(1e-6));
        Assert.That(logs["weighted_mean_absolute_error"], Is.EqualTo(Mae(s_w)).Within(1e-6));
    }

    [Test]
    public void Save_KerasArchive_WritesWeightedMetricsInCompileConfig()
    {
        var model = Linear();
        model.Compile("sgd", "mse", weightedMetrics: ["mean_absolute_error"]);
        string path = Path.Combine(_dir, "m.keras");
        model.Save(path);

        using var zip = ZipFile.OpenRead(path);
        using var reader = new StreamReader(zip.GetEntry("config.json")!.Open());
        var compile = JObject.Parse(reader.ReadToEnd())["compile_config"]!;

        Assert.That(compile["weighted_metrics"], Is.EqualTo(new JArray("mean_absolute_error")).Using<JToken>((a, b) => JToken.DeepEquals(a, b)));
        Assert.That(compile["metrics"]!.Type, Is.EqualTo(JTokenType.Null));
    }
}
