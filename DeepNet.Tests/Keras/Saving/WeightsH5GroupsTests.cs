using DeepNet.Keras;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// Which groups a Keras 3 weights file has: Keras gives every named object (the model, each
/// layer, sublayers, the optimizer) a <c>vars</c> group with a <c>name</c> attribute, empty when
/// the object owns no variable. Checked against a real Keras 3.11 file; files without the empty
/// groups or the attributes load too.
/// </summary>
public class WeightsH5GroupsTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-weightsgroups-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    // Prints every group (with its name attribute) and dataset (with its shape) of a weights file,
    // or of model.weights.h5 inside a .keras archive, leaving out the optimizer's groups.
    private const string ListScript = """
        import sys, io, json, zipfile, h5py
        path = sys.argv[1]
        source = io.BytesIO(zipfile.ZipFile(path).read("model.weights.h5")) if path.endswith(".keras") else path
        out = {}
        with h5py.File(source, "r") as f:
            def visit(name, obj):
                if name.split("/")[0] == "optimizer":
                    return
                if isinstance(obj, h5py.Group):
                    n = obj.attrs.get("name")
                    out[name] = {"group": n.decode() if isinstance(n, bytes) else n}
                else:
                    out[name] = {"shape": list(obj.shape)}
            f.visititems(visit)
        print(json.dumps(out, sort_keys=True))
        """;

    private JObject List(string path) => JObject.Parse(H5Py.RunScript(_dir, ListScript, path));

    [Test]
    public void Save_RealKeras3Model_WritesTheSameGroupsNamesAndDatasetsAsKeras()
    {
        string fixture = KerasFixtures.Require("ibukye_resnet_mnist", "resnet_mnist.keras");
        var keras = List(fixture);
        var model = KerasModels.LoadModel(fixture, compile: false);
        string path = Path.Combine(_dir, "resnet.keras");

        model.Save(path);
        var ours = List(path);

        // Keras 3.11 wrote e.g. vars {name: 'functional'} at the root and layers/add/vars {name: 'add'} with no datasets.
        Assert.That(keras["vars"]!["group"]!.Value<string>(), Is.EqualTo("functional"), "the fixture's own root group");
        Assert.That(ours.Properties().Select(p => p.Name), Is.EquivalentTo(keras.Properties().Select(p => p.Name)));
        foreach (var p in keras.Properties())
            Assert.That(JToken.DeepEquals(ours[p.Name], p.Value), Is.True, $"{p.Name}: Keras wrote {p.Value.ToString(Newtonsoft.Json.Formatting.None)}, DeepNet {ours[p.Name]!.ToString(Newtonsoft.Json.Formatting.None)}");
    }

    private static Sequential RecurrentMlp()
    {
        var model = new Sequential(name: "rnn_mlp");
        model.Add(KerasApi.Input([5, 3]));
        model.Add(new LSTM(4, name: "lstm"));
        model.Add(new Dropout(0.5f, name: "drop"));
        model.Add(new Dense(2, name: "out"));
        return model;
    }

    [Test]
    public void SaveWeights_LayerWithoutVariables_GetsAnEmptyNamedVarsGroupAsInKeras()
    {
        var model = RecurrentMlp();
        string path = Path.Combine(_dir, "m.weights.h5");

        model.SaveWeights(path);
        var groups = List(path);

        Assert.That(groups["vars"]!["group"]!.Value<string>(), Is.EqualTo("rnn_mlp"));
        Assert.That(groups["layers/dropout/vars"]!["group"]!.Value<string>(), Is.EqualTo("drop"));
        Assert.That(groups["layers/lstm/vars"]!["group"]!.Value<string>(), Is.EqualTo("lstm"), "the LSTM owns no variable; its cell does");
        Assert.That(groups["layers/lstm/cell/vars"]!["group"]!.Value<string>(), Is.EqualTo("lstm_cell"));
        Assert.That(groups.Properties().Where(p => p.Name.StartsWith("layers/dropout/vars/", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void LoadWeights_FileWithoutEmptyVarsGroupsOrNames_LoadsTheSameWeights()
    {
        var model = RecurrentMlp();
        SavingRoundTripTests.Randomize(model, 7);
        string path = Path.Combine(_dir, "m.weights.h5");
        model.SaveWeights(path);
        // Remove every empty group (innermost first) and every name attribute, as a writer that
        // creates groups only for stored values would leave the file.
        H5Py.RunScript(_dir, """
            import sys, h5py
            with h5py.File(sys.argv[1], "r+") as f:
                groups = []
                f.visititems(lambda n, o: groups.append(n) if isinstance(o, h5py.Group) else None)
                for name in sorted(groups, key=lambda n: -n.count("/")):
                    if "name" in f[name].attrs:
                        del f[name].attrs["name"]
                    if len(f[name]) == 0:
                        del f[name]
                if "vars" in f and len(f["vars"]) == 0:
                    del f["vars"]
            """, path);
        var stripped = List(path);
        Assert.That(stripped.Properties().Select(p => p.Name), Does.Not.Contain("layers/dropout").And.Not.Contain("layers/lstm/vars").And.Not.Contain("vars"));

        var other = RecurrentMlp();
        SavingRoundTripTests.Randomize(other, 8);
        other.LoadWeights(path);

        for (int i = 0; i < model.Weights.Count; i++)
            Assert.That(other.Weights[i].ToArray(), Is.EqualTo(model.Weights[i].ToArray()), model.Weights[i].Path);
    }
}
