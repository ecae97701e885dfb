using DeepNet.Keras;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Tests.Keras.Models;

public class SequentialTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    [Test]
    public void AddAndPop_KeepLayersAndGraphInStep()
    {
        var model = new Sequential();
        model.Add(KerasApi.Input([8]));
        model.Add(new Dense(4));
        model.Add(new Dense(2));
        Assert.That(model.Built, Is.True);
        Assert.That(model.Layers.Select(l => l.Name), Is.EqualTo(new[] { "dense", "dense_1" }));
        Assert.That(model.Outputs[0].Shape, Is.EqualTo(new KerasShape(null, 2)));
        Assert.That(model.CountParams(), Is.EqualTo(8 * 4 + 4 + 4 * 2 + 2));

        var popped = model.Pop();
        Assert.That(popped.Name, Is.EqualTo("dense_1"));
        Assert.That(model.Layers, Has.Count.EqualTo(1));
        Assert.That(model.Outputs[0].Shape, Is.EqualTo(new KerasShape(null, 4)));
        Assert.That(model.Weights, Has.Count.EqualTo(2));
        model.Pop();
        Assert.Throws<InvalidOperationException>(() => model.Pop());
    }

    [Test]
    public void ConstructorList_WithInputShapeOnFirstLayer_BuildsAtOnce()
    {
        var model = new Sequential([new Dense(3, inputDim: 5), new Activation("relu"), new Dense(1)]);
        Assert.That(model.Built, Is.True);
        Assert.That(model.Outputs[0].Shape, Is.EqualTo(new KerasShape(null, 1)));
    }

    [Test]
    public void WithoutInputShape_BuildsOnFirstCall()
    {
        var model = new Sequential([new Dense(3), new Dense(2)]);
        Assert.That(model.Built, Is.False);
        using var x = Tensor.Zeros(new Shape(4, 6));
        Assert.That(model.Apply(x).Shape, Is.EqualTo(new Shape(4, 2)));
        Assert.That(model.Built, Is.True);
        Assert.That(model.Layers[0].Weights[0].Shape, Is.EqualTo(new Shape(6, 3)));
    }

    [Test]
    public void Weights_FollowTheLayerOrder_HoweverTheModelWasBuilt()
    {
        // Keras's get_weights(): each layer's kernel then bias, first layer first, whether the input
        // shape came with the first layer (inputDim or InputShape, added or listed) or with the first call.
        var expected = new[] { new Shape(5, 4), new Shape(4), new Shape(4, 3), new Shape(3), new Shape(3, 2), new Shape(2) };
        var added = new Sequential();
        added.Add(new Dense(4, inputDim: 5));
        added.Add(new Dropout(0.5f));
        added.Add(new Dense(3));
        added.Add(new Dense(2));
        var addedWithInputShape = new Sequential();
        addedWithInputShape.Add(new Dense(4) { InputShape = [5] });
        addedWithInputShape.Add(new Dense(3));
        addedWithInputShape.Add(new Dense(2));
        var listed = new Sequential([new Dense(4, inputDim: 5), new Dropout(0.5f), new Dense(3), new Dense(2)]);
        var deferred = new Sequential([new Dense(4), new Dropout(0.5f), new Dense(3), new Dense(2)]);
        using var x = Tensor.Zeros(new Shape(1, 5));
        deferred.Apply(x).Dispose();
        foreach (var model in new[] { added, addedWithInputShape, listed, deferred })
        {
            Assert.That(model.Weights.Select(w => w.Shape), Is.EqualTo(expected), model.Name);
            Assert.That(model.GetWeights().Select(w => w.Shape), Is.EqualTo(expected), model.Name);
            Assert.That(model.Weights.Select(w => w.Path.Split('/')[0]),
                Is.EqualTo(model.Layers.Where(l => l.Weights.Count > 0).SelectMany(l => new[] { l.Name, l.Name })), model.Name);
        }
    }

    [Test]
    public void DuplicateLayerName_IsRefused()
    {
        var model = new Sequential([new Dense(2, name: "x")]);
        var e = Assert.Throws<ArgumentException>(() => model.Add(new Dense(2, name: "x")));
        Assert.That(e!.Message, Does.Contain("unique names"));
    }

    [Test]
    public void Config_RoundTripsThroughTheRegistry()
    {
        var model = new Sequential([new Dense(3, inputDim: 5, activation: "relu"), new Dropout(0.5f), new Dense(1)], name: "seq");
        var config = model.GetConfig();
        Assert.That(config["layers"]![0]!.Value<string>("class_name"), Is.EqualTo("InputLayer"));
        Assert.That(JToken.DeepEquals(config["build_input_shape"], JArray.Parse("[null, 5]")), Is.True);
        var clone = (Sequential)Layer.FromConfig("Sequential", config);
        Assert.That(JToken.DeepEquals(clone.GetConfig(), config), Is.True, $"{config}\nvs\n{clone.GetConfig()}");
        Assert.That(clone.CountParams(), Is.EqualTo(model.CountParams()));
    }
}
