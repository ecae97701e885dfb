using DeepNet.Keras;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Models;

public class FunctionalTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    private static Dense ConstantDense(int units, float value, string? name = null, string? activation = null) =>
        new(units, activation: activation, kernelInitializer: new Constant(value), biasInitializer: new Zeros(), name: name);

    [Test]
    public void TwoInputsTwoOutputs_SharedLayer_RunsTheGraphAsWritten()
    {
        var a = KerasApi.Input([3], name: "a");
        var b = KerasApi.Input([3], name: "b");
        var shared = ConstantDense(2, 0.5f, "shared");
        var ha = shared.Apply(a);
        var hb = shared.Apply(b);
        var sum = new Add(name: "sum").Apply(ha, hb);
        var diff = new Subtract(name: "diff").Apply(ha, hb);
        var model = new Model([a, b], [sum, diff]);

        Assert.That(shared.InboundNodes, Has.Count.EqualTo(2));
        Assert.That(model.Layers.Select(l => l.Name), Is.EqualTo(new[] { "a", "b", "shared", "sum", "diff" }));
        Assert.That(model.Weights, Has.Count.EqualTo(2), "the shared layer's weights count once");
        Assert.That(model.OutputNames, Is.EqualTo(new[] { "sum", "diff" }));
        Assert.That(sum.Shape, Is.EqualTo(new KerasShape(null, 2)));

        using var xa = new Tensor(new float[,] { { 1, 2, 3 } });
        using var xb = new Tensor(new float[,] { { -1, 0, 4 } });
        var outputs = model.ApplyMany([xa, xb]);
        // shared(x) = 0.5·Σx in both units: a → 3, b → 1.5.
        KerasTestUtil.AssertClose(outputs[0].ToArray(), new double[] { 4.5, 4.5 });
        KerasTestUtil.AssertClose(outputs[1].ToArray(), new double[] { 1.5, 1.5 });
    }

    [Test]
    public void NestedModel_ActsAsALayer_AndItsWeightsBelongToTheOuterModel()
    {
        var innerIn = KerasApi.Input([4]);
        var inner = new Model(innerIn, ConstantDense(3, 1f).Apply(innerIn), name: "inner");
        var x = KerasApi.Input([4]);
        var h = inner.Apply(x);
        var y = ConstantDense(1, 2f).Apply(h);
        var outer = new Model(x, y);

        Assert.That(h.Shape, Is.EqualTo(new KerasShape(null, 3)));
        Assert.That(outer.Layers.Select(l => l.ClassName), Is.EqualTo(new[] { "InputLayer", "Functional", "Dense" }));
        Assert.That(outer.Weights, Has.Count.EqualTo(4));
        Assert.That(outer.CountParams(), Is.EqualTo(4 * 3 + 3 + 3 + 1));
        using var input = new Tensor(new float[,] { { 1, 1, 1, 1 } });
        // inner: each unit = 4; outer: 2·(4+4+4) = 24.
        KerasTestUtil.AssertClose(outer.Apply(input).ToArray(), new double[] { 24 });
    }

    [Test]
    public void Disconnected_Graph_SaysWhichTensorHasNoInput()
    {
        var a = KerasApi.Input([2]);
        var b = KerasApi.Input([2], name: "orphan");
        var y = new Add().Apply(a, b);
        var e = Assert.Throws<ArgumentException>(() => new Model(a, y));
        Assert.That(e!.Message, Does.Contain("Graph disconnected").And.Contain("orphan"));
    }

    [Test]
    public void WrongInputShape_ToPredict_NamesTheInputLayerAndBothShapes()
    {
        var x = KerasApi.Input([4], name: "features");
        var model = new Model(x, new Dense(2).Apply(x), name: "net");
        using var bad = Tensor.Zeros(new Shape(5, 3));
        var e = Assert.Throws<ShapeMismatchException>(() => model.Predict(bad));
        Assert.That(e!.Message, Does.Contain("features").And.Contain("(None, 4)").And.Contain("(5, 3)"));
    }

    [Test]
    public void SubclassedModel_CallsItsOwnCode_AndTracksItsLayers()
    {
        var model = new TwoTower();
        using var x = new Tensor(new float[,] { { 1, 2 } });
        var y = model.Apply(x);
        // left: 1·(1+2) = 3 → relu 3; right: −1·3 = −3 → relu 0; sum = 3.
        KerasTestUtil.AssertClose(y.ToArray(), new double[] { 3 });
        Assert.That(model.Weights, Has.Count.EqualTo(4));
        Assert.That(model.Name, Is.EqualTo("two_tower"));
    }

    private sealed class TwoTower : Model
    {
        private readonly Dense _left;
        private readonly Dense _right;

        public TwoTower()
        {
            _left = Track(new Dense(1, activation: "relu", kernelInitializer: new Constant(1f)));
            _right = Track(new Dense(1, activation: "relu", kernelInitializer: new Constant(-1f)));
        }

        public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) =>
            DeepNet.Ops.Add(_left.Apply(inputs, training), _right.Apply(inputs, training));
    }
}

public class FunctionalConfigTests
{
    [Test]
    public void FunctionalConfig_MultiInputSharedAndNested_RoundTripsAndComputesTheSame()
    {
        KerasSession.ClearSession();
        var innerIn = KerasApi.Input([3]);
        var inner = new Model(innerIn, new Dense(3, activation: "tanh").Apply(innerIn), name: "inner");
        var a = KerasApi.Input([3], name: "a");
        var b = KerasApi.Input([3], name: "b");
        var shared = new Dense(3, name: "shared");
        var merged = new Concatenate(name: "cat").Apply(shared.Apply(a), shared.Apply(b));
        var head = new Dense(2, name: "head").Apply(merged);
        var model = new Model([a, b], [head, inner.Apply(shared.Apply(a))], name: "net");

        var config = model.GetConfig();
        Assert.That(config["input_layers"]!.ToString(Newtonsoft.Json.Formatting.None), Is.EqualTo("""[["a",0,0],["b",0,0]]"""));
        var sharedNodes = (Newtonsoft.Json.Linq.JArray)config["layers"]!.First(l => l.Value<string>("name") == "shared")["inbound_nodes"]!;
        Assert.That(sharedNodes, Has.Count.EqualTo(3));
        Assert.That(config["layers"]!.First(l => l.Value<string>("name") == "inner").Value<string>("class_name"), Is.EqualTo("Functional"));

        var clone = (Model)Layer.FromConfig("Functional", config);
        Assert.That(Newtonsoft.Json.Linq.JToken.DeepEquals(clone.GetConfig(), config), Is.True, $"{config}\nvs\n{clone.GetConfig()}");
        clone.SetWeights(model.GetWeights());
        using var xa = KerasTestUtil.Random(1, 2, 3);
        using var xb = KerasTestUtil.Random(2, 2, 3);
        var expected = model.ApplyMany([xa, xb]);
        var actual = clone.ApplyMany([xa, xb]);
        for (int i = 0; i < 2; i++) Assert.That(actual[i].ToArray(), Is.EqualTo(expected[i].ToArray()));
    }
}
