using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Saving;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>Models used as layers of other models survive every format.</summary>
public class NestedModelSavingTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-nested-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    /// <summary>A functional model that calls a Sequential and a functional sub-model.</summary>
    private static Model Outer()
    {
        var inner = new Sequential(name: "inner_seq");
        inner.Add(KerasApi.Input([4], name: "inner_in"));
        inner.Add(new Dense(5, activation: "relu", name: "inner_dense"));
        inner.Add(new BatchNormalization(name: "inner_bn"));

        var fi = KerasApi.Input([5], name: "sub_in");
        var sub = new Model(fi, new Dense(3, name: "sub_dense").Apply(fi), name: "sub_model");

        var x = KerasApi.Input([4], name: "outer_in");
        var h = inner.Apply(x);
        var y = sub.Apply(h);
        var model = new Model(x, new Dense(2, activation: "softmax", name: "head").Apply(y), name: "outer");
        SavingRoundTripTests.Randomize(model, 7);
        return model;
    }

    [TestCase("m.keras")]
    [TestCase("m.h5")]
    [TestCase("w.weights.h5")]
    [TestCase("w.h5")]
    public void NestedModels_SavedAndLoaded_GiveBitIdenticalPredictions(string file)
    {
        var model = Outer();
        string path = Path.Combine(_dir, file);
        Model loaded;
        if (file.StartsWith('m'))
        {
            model.Save(path);
            loaded = KerasModels.LoadModel(path);
        }
        else
        {
            model.SaveWeights(path);
            loaded = KerasModels.ModelFromJson(model.ToJson());
            loaded.LoadWeights(path);
        }
        Assert.That(KerasSerializer.SerializeModel(loaded).ToString(), Is.EqualTo(KerasSerializer.SerializeModel(model).ToString()));
        using var x = KerasTestUtil.Random(3, 6, 4);
        Assert.That(loaded.Predict(x).ToArray(), Is.EqualTo(model.Predict(x).ToArray()));
    }

    [Test]
    public void NestedFunctional_NodeIndicesCountTheSubModelsOwnNode()
    {
        var json = KerasSerializer.ParseJson(Outer().ToJson(), "test");
        var head = ((Newtonsoft.Json.Linq.JArray)json["config"]!["layers"]!).Single(l => (string?)l["name"] == "head");
        // Keras counts a functional sub-model's own construction as its node 0, so its first call is node 1.
        Assert.That(head["inbound_nodes"]![0]!["args"]![0]!["config"]!["keras_history"]!.ToString(Newtonsoft.Json.Formatting.None),
            Is.EqualTo("[\"sub_model\",1,0]"));
    }
}
