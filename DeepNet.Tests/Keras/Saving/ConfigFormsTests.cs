using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Saving;
using PureHDF;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>The older and alternative forms Keras has written over the years read the same.</summary>
public class ConfigFormsTests
{
    [Test]
    public void ModelFromJson_Keras22SequentialWithListConfigAndBatchInputShape_BuildsTheModel()
    {
        // Keras ≤ 2.2 wrote the Sequential config as the bare list of layers.
        const string json = "{\"class_name\": \"Sequential\", \"keras_version\": \"2.2.4\", \"config\": [" +
            "{\"class_name\": \"Dense\", \"config\": {\"name\": \"d1\", \"units\": 3, \"activation\": \"relu\", \"batch_input_shape\": [null, 4], \"dtype\": \"float32\", \"trainable\": true}}," +
            "{\"class_name\": \"BatchNormalization\", \"config\": {\"name\": \"bn\", \"axis\": [1], \"momentum\": 0.9, \"epsilon\": 1e-06}}]}";
        var model = KerasModels.ModelFromJson(json);
        Assert.That(model, Is.InstanceOf<Sequential>());
        Assert.That(model.Layers.Select(l => l.Name), Is.EqualTo(new[] { "d1", "bn" }));
        Assert.That(model.Built, Is.True);
        Assert.That(model.Layers[1].Weights.Select(w => w.Shape.Size), Is.EqualTo(new long[] { 3, 3, 3, 3 }));
    }

    [Test]
    public void ModelFromJson_Keras2FunctionalWithPolicyDtypeAndListNodes_BuildsTheGraph()
    {
        const string json = "{\"class_name\": \"Functional\", \"keras_version\": \"2.15.0\", \"config\": {\"name\": \"model\", \"layers\": [" +
            "{\"class_name\": \"InputLayer\", \"name\": \"input_1\", \"config\": {\"batch_input_shape\": [null, 3], \"dtype\": \"float32\", \"sparse\": false, \"ragged\": false, \"name\": \"input_1\"}, \"inbound_nodes\": []}," +
            "{\"class_name\": \"Dense\", \"name\": \"dense\", \"config\": {\"name\": \"dense\", \"trainable\": true, \"dtype\": {\"class_name\": \"Policy\", \"config\": {\"name\": \"float32\"}}, \"units\": 2}, \"inbound_nodes\": [[[\"input_1\", 0, 0, {}]]]}," +
            "{\"class_name\": \"Add\", \"name\": \"add\", \"config\": {\"name\": \"add\", \"trainable\": true, \"dtype\": \"float32\"}, \"inbound_nodes\": [[[\"dense\", 0, 0, {}], [\"dense\", 0, 0, {}]]]}]," +
            "\"input_layers\": [[\"input_1\", 0, 0]], \"output_layers\": [[\"add\", 0, 0]]}}";
        var model = KerasModels.ModelFromJson(json);
        Assert.That(model.Layers.Select(l => l.ClassName), Is.EqualTo(new[] { "InputLayer", "Dense", "Add" }));
        using var x = KerasTestUtil.Random(1, 2, 3);
        var dense = model.GetLayer("dense").Apply(x).ToArray();
        var y = model.Predict(x).ToArray();
        for (int i = 0; i < y.Length; i++) Assert.That(y[i], Is.EqualTo(2 * dense[i]).Within(1e-6));
    }

    [Test]
    public void H5Strings_LongList_IsSplitIntoChunksAndReadBackWhole()
    {
        var names = Enumerable.Range(0, 3000).Select(i => $"layer_with_a_fairly_long_name_{i:D5}").ToArray();
        var file = new H5File();
        H5Strings.WriteList(file, "layer_names", names);
        Assert.That(file.Attributes.ContainsKey("layer_names"), Is.False);
        Assert.That(file.Attributes.ContainsKey("layer_names0") && file.Attributes.ContainsKey("layer_names1"), Is.True);
        string path = Path.Combine(Path.GetTempPath(), $"deepnet-strings-{Guid.NewGuid():N}.h5");
        try
        {
            file.Write(path);
            using var read = H5File.OpenRead(path);
            Assert.That(H5Strings.ReadList(read, "layer_names", path, new FileInfo(path).Length), Is.EqualTo(names));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void H5Strings_EmptyList_IsFloat64AndReadsAsNoNames()
    {
        var file = new H5File();
        H5Strings.WriteList(file, "weight_names", Array.Empty<string>());
        string path = Path.Combine(Path.GetTempPath(), $"deepnet-strings-{Guid.NewGuid():N}.h5");
        try
        {
            file.Write(path);
            using var read = H5File.OpenRead(path);
            Assert.That(read.Attribute("weight_names").Type.Class, Is.EqualTo(H5DataTypeClass.FloatingPoint));
            Assert.That(H5Strings.ReadList(read, "weight_names", path, new FileInfo(path).Length), Is.Empty);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void LayerRegistry_ModelClassesAreHandledBySerializer_UnknownClassIsListed()
    {
        const string json = "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Frobnicate\", \"config\": {}}, {\"class_name\": \"Frobnicate\", \"config\": {}}, {\"class_name\": \"Sequential\", \"config\": {\"layers\": [{\"class_name\": \"Wobble\", \"config\": {}}]}}]}}";
        var e = Assert.Throws<UnsupportedLayersException>(() => KerasModels.ModelFromJson(json))!;
        Assert.That(e.ClassNames, Is.EqualTo(new[] { "Frobnicate", "Wobble" }));
        Assert.That(LayerRegistry.IsRegistered("Frobnicate"), Is.False);
    }
}
