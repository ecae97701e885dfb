using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Saving;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// Models saved here load back with bit-identical predictions and equal configs, in every
/// format: .keras, legacy .h5, .weights.h5, Keras 2 weights-only .h5 and JSON.
/// </summary>
public class SavingRoundTripTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-saving-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Temp(string name) => Path.Combine(_dir, name);

    /// <summary>Gives every weight distinct seeded values (variances positive), so a wrong assignment shows.</summary>
    internal static void Randomize(Model model, int seed)
    {
        var rng = new Random(seed);
        foreach (var v in model.Weights)
        {
            var data = new float[v.Shape.Size];
            for (int i = 0; i < data.Length; i++)
                data[i] = v.Name == "moving_variance" ? (float)(0.5 + rng.NextDouble()) : (float)(rng.NextDouble() * 2 - 1);
            v.Assign(data);
        }
    }

    internal static Sequential SequentialMlp()
    {
        var model = new Sequential(name: "mlp");
        model.Add(KerasApi.Input([6], name: "features"));
        model.Add(new Dense(8, activation: "relu", name: "hidden"));
        model.Add(new BatchNormalization(name: "norm"));
        model.Add(new Dropout(0.25f, name: "drop"));
        model.Add(new Dense(3, activation: "softmax", name: "probs"));
        Randomize(model, 1);
        return model;
    }

    /// <summary>Two inputs, a shared layer called twice, merges, two outputs.</summary>
    internal static Model FunctionalTwoInTwoOut()
    {
        var a = KerasApi.Input([5], name: "in_a");
        var b = KerasApi.Input([5], name: "in_b");
        var shared = new Dense(4, activation: "tanh", name: "shared");
        var sa = shared.Apply(a);
        var sb = shared.Apply(b);
        var sum = new Add(name: "sum").Apply(sa, sb);
        var cat = new Concatenate(name: "cat").Apply(sum, a);
        var h = new Dense(6, activation: "relu", name: "h").Apply(cat);
        var out1 = new Dense(2, activation: "softmax", name: "out_1").Apply(h);
        var out2 = new Dense(1, name: "out_2").Apply(new Activation("sigmoid", name: "act").Apply(sum));
        var model = new Model([a, b], [out1, out2], name: "two_by_two");
        Randomize(model, 2);
        return model;
    }

    internal static Sequential SmallCnn()
    {
        var model = new Sequential(name: "cnn");
        model.Add(KerasApi.Input([7, 6, 2], name: "image"));
        model.Add(new Conv2D(3, [3, 3], padding: "same", activation: "relu", name: "conv"));
        model.Add(new BatchNormalization(name: "bn"));
        model.Add(new MaxPooling2D(name: "pool"));
        model.Add(new Flatten(name: "flat"));
        model.Add(new Dense(4, name: "logits"));
        Randomize(model, 3);
        return model;
    }

    /// <summary>The MLP, with its weights saved to <paramref name="file"/> in the temporary folder.</summary>
    private (Sequential Model, string Path) MlpWithSavedWeights(string file)
    {
        var model = SequentialMlp();
        string path = Temp(file);
        model.SaveWeights(path);
        return (model, path);
    }

    /// <summary>A model named "other" taking the MLP's 6 features through <paramref name="layers"/>.</summary>
    private static Sequential OtherModel(params Layer[] layers)
    {
        var other = new Sequential(name: "other");
        other.Add(KerasApi.Input([6]));
        foreach (var layer in layers) other.Add(layer);
        return other;
    }

    private static Tensor[] Inputs(Model model, int seed) =>
        model.Inputs.Select((t, i) => KerasTestUtil.Random(seed + i, [3, .. t.Shape.SampleDims()])).ToArray();

    private static float[][] Predict(Model model, Tensor[] x) => model.PredictMany(x).Select(t => t.ToArray()).ToArray();

    private static void AssertSameModel(Model expected, Model actual)
    {
        Assert.That(KerasSerializer.SerializeModel(actual).ToString(), Is.EqualTo(KerasSerializer.SerializeModel(expected).ToString()), "configs");
        var x = Inputs(expected, 10);
        var want = Predict(expected, x);
        var got = Predict(actual, x);
        Assert.That(got.Length, Is.EqualTo(want.Length));
        for (int i = 0; i < want.Length; i++) Assert.That(got[i], Is.EqualTo(want[i]), $"output {i} is not bit-identical");
    }

    public static IEnumerable<TestCaseData> ModelsAndFormats()
    {
        foreach (var format in new[] { "model.keras", "model.h5" })
        {
            yield return new TestCaseData((Func<Model>)SequentialMlp, format).SetArgDisplayNames("SequentialMlp", format);
            yield return new TestCaseData((Func<Model>)FunctionalTwoInTwoOut, format).SetArgDisplayNames("FunctionalTwoInTwoOut", format);
            yield return new TestCaseData((Func<Model>)SmallCnn, format).SetArgDisplayNames("SmallCnn", format);
        }
    }

    [TestCaseSource(nameof(ModelsAndFormats))]
    public void Save_ThenLoadModel_GivesBitIdenticalPredictionsAndEqualConfig(Func<Model> make, string file)
    {
        var model = make();
        string path = Temp(file);
        model.Save(path);
        var loaded = KerasModels.LoadModel(path);
        Assert.That(loaded.GetType(), Is.EqualTo(model.GetType()));
        AssertSameModel(model, loaded);
    }

    public static IEnumerable<TestCaseData> ModelsAndWeightFormats()
    {
        foreach (var format in new[] { "w.weights.h5", "w.h5", "m.keras" })
        {
            yield return new TestCaseData((Func<Model>)SequentialMlp, format).SetArgDisplayNames("SequentialMlp", format);
            yield return new TestCaseData((Func<Model>)FunctionalTwoInTwoOut, format).SetArgDisplayNames("FunctionalTwoInTwoOut", format);
        }
    }

    [TestCaseSource(nameof(ModelsAndWeightFormats))]
    public void SaveWeights_ThenToJsonModelLoadWeights_GivesBitIdenticalPredictions(Func<Model> make, string file)
    {
        var model = make();
        string path = Temp(file);
        if (file.EndsWith(".keras", StringComparison.Ordinal)) model.Save(path);
        else model.SaveWeights(path);
        var fresh = KerasModels.ModelFromJson(model.ToJson());
        Assert.That(fresh.GetWeightArrays()[0], Is.Not.EqualTo(model.GetWeightArrays()[0]), "the fresh model starts with other weights");
        fresh.LoadWeights(path);
        AssertSameModel(model, fresh);
    }

    [Test]
    public void ToJson_ModelFromJson_GivesEqualJson()
    {
        foreach (var model in new[] { SequentialMlp(), FunctionalTwoInTwoOut(), SmallCnn() })
        {
            string json = model.ToJson();
            Assert.That(KerasModels.ModelFromJson(json).ToJson(), Is.EqualTo(json), model.Name);
        }
    }

    [Test]
    public void ToJson_Functional_WritesKeras3Envelope()
    {
        var json = KerasSerializer.ParseJson(FunctionalTwoInTwoOut().ToJson(), "test");
        Assert.That((string?)json["class_name"], Is.EqualTo("Functional"));
        Assert.That((string?)json["module"], Is.EqualTo("keras.src.models.functional"));
        var layers = (Newtonsoft.Json.Linq.JArray)json["config"]!["layers"]!;
        var shared = layers.Single(l => (string?)l["name"] == "shared");
        Assert.That(((Newtonsoft.Json.Linq.JArray)shared["inbound_nodes"]!).Count, Is.EqualTo(2), "a shared layer has two calls");
        var history = shared["inbound_nodes"]![1]!["args"]![0]!["config"]!["keras_history"]!;
        Assert.That(history.ToString(Newtonsoft.Json.Formatting.None), Is.EqualTo("[\"in_b\",0,0]"));
        Assert.That(json["config"]!["input_layers"]!.ToString(Newtonsoft.Json.Formatting.None), Is.EqualTo("[[\"in_a\",0,0],[\"in_b\",0,0]]"));
    }

    [Test]
    public void LoadWeights_ShapeMismatch_ThrowsNamingPathAndShapesAndLeavesModelUntouched()
    {
        var (_, path) = MlpWithSavedWeights("w.h5");
        var other = OtherModel(new Dense(8, activation: "relu", name: "hidden"), new BatchNormalization(name: "norm"),
            new Dense(4, name: "probs")); // 4 units instead of 3
        var before = other.GetWeightArrays();
        var e = Assert.Throws<KerasFileException>(() => other.LoadWeights(path))!;
        Assert.That(e.Message, Does.Contain(path).And.Contain("probs").And.Contain("(8, 4)").And.Contain("(8, 3)"));
        var after = other.GetWeightArrays();
        for (int i = 0; i < before.Length; i++) Assert.That(after[i], Is.EqualTo(before[i]), $"weight {i} changed by a failed load");
    }

    [Test]
    public void LoadWeights_SkipMismatch_LoadsTheLayersThatFit()
    {
        var (model, path) = MlpWithSavedWeights("w.h5");
        var other = OtherModel(new Dense(8, activation: "relu", name: "hidden"), new BatchNormalization(name: "norm"), new Dense(4, name: "probs"));
        var probsBefore = other.Layers[2].GetWeightArrays();
        other.LoadWeights(path, skipMismatch: true);
        Assert.That(other.Layers[0].GetWeightArrays()[0], Is.EqualTo(model.Layers[0].GetWeightArrays()[0]));
        Assert.That(other.Layers[2].GetWeightArrays()[0], Is.EqualTo(probsBefore[0]));
    }

    [Test]
    public void LoadWeights_ByName_FillsLayersWithTheSameNameOnly()
    {
        var (model, path) = MlpWithSavedWeights("w.h5");
        var other = OtherModel(new Dense(8, activation: "relu", name: "hidden"), new Dense(5, name: "new_head"));
        var headBefore = other.Layers[1].GetWeightArrays();
        other.LoadWeights(path, byName: true);
        Assert.That(other.Layers[0].GetWeightArrays()[0], Is.EqualTo(model.Layers[0].GetWeightArrays()[0]));
        Assert.That(other.Layers[1].GetWeightArrays()[0], Is.EqualTo(headBefore[0]));
    }

    [Test]
    public void LoadWeights_ByNameOnWeightsH5_IsRejectedAsInKeras()
    {
        var (model, path) = MlpWithSavedWeights("w.weights.h5");
        Assert.Throws<ArgumentException>(() => model.LoadWeights(path, byName: true));
    }

    [Test]
    public void LoadWeights_LayerCountMismatch_ThrowsListingBothSides()
    {
        var (_, path) = MlpWithSavedWeights("w.h5");
        var other = OtherModel(new Dense(8, name: "only"));
        var e = Assert.Throws<KerasFileException>(() => other.LoadWeights(path))!;
        Assert.That(e.Message, Does.Contain("layer count mismatch").And.Contain("only").And.Contain("hidden"));
    }

    [Test]
    public void Save_UnknownSuffix_ThrowsAndWritesNothing()
    {
        var model = SequentialMlp();
        Assert.Throws<ArgumentException>(() => model.Save(Temp("model.bin")));
        Assert.Throws<ArgumentException>(() => model.SaveWeights(Temp("weights.bin")));
        Assert.That(Directory.GetFiles(_dir), Is.Empty);
    }

    [Test]
    public void Save_OverExistingFile_ReplacesItAndLeavesNoTemporaryFiles()
    {
        var model = SequentialMlp();
        string path = Temp("model.keras");
        File.WriteAllText(path, "old");
        model.Save(path);
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }));
        Assert.That(KerasModels.LoadModel(path).Name, Is.EqualTo("mlp"));
    }
}
