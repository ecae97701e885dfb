using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Saving;
using Newtonsoft.Json.Linq;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// Lambda layers and custom layer classes (Keras's custom_objects / safe_mode): code in a file
/// is never run, so loading them needs an explicit registration, and the error says how.
/// </summary>
public class CustomObjectsTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-custom-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static readonly Func<Tensor, Tensor> s_square = x => Ops.Square(x);

    private static Sequential SquareModel(string functionName = "square")
    {
        var model = new Sequential(name: "lambda_model");
        model.Add(KerasApi.Input([3], name: "x"));
        model.Add(new Lambda(s_square, functionName: functionName, name: "sq"));
        model.Add(new Dense(2, name: "out"));
        SavingRoundTripTests.Randomize(model, 5);
        return model;
    }

    private static readonly float[,] s_x = { { 0.5f, -1.5f, 2f }, { -0.25f, 1f, 3f } };

    [Test]
    public void Lambda_InCode_ComputesItsFunctionAndInfersTheShape()
    {
        var x = KerasApi.Input([4, 3], name: "seq");
        var summed = new Lambda(t => Ops.Sum(t, [2]), name: "sum_last").Apply(x);
        Assert.That(summed.Shape, Is.EqualTo(new KerasShape(null, 4)), "inferred by running the function");
        var model = new Model(x, summed);
        var input = new float[2 * 4 * 3];
        for (int i = 0; i < input.Length; i++) input[i] = i * 0.5f - 3;
        var output = model.Predict(Tensor.FromArray(input, new Shape(2, 4, 3))).ToArray();
        for (int b = 0; b < 2; b++)
        {
            for (int t = 0; t < 4; t++)
            {
                double expected = 0;
                for (int c = 0; c < 3; c++) expected += input[(b * 4 + t) * 3 + c];
                Assert.That(output[b * 4 + t], Is.EqualTo(expected).Within(1e-6));
            }
        }
    }

    [Test]
    public void Lambda_GetConfig_NamesTheFunctionAsKerasNamesAScriptFunction()
    {
        var layer = new Lambda(s_square, outputShape: [3], functionName: "square", name: "sq");
        var config = layer.GetConfig();
        Assert.That(JToken.DeepEquals(config["function"], JObject.Parse(
            """{"module": "__main__", "class_name": "function", "config": "square", "registered_name": "square"}""")), config.ToString());
        Assert.That(config["output_shape"]!.ToObject<int[]>(), Is.EqualTo(new[] { 3 }));
        Assert.That(config["arguments"], Is.InstanceOf<JObject>().And.Empty);
        Assert.That(layer.ComputeOutputShape(new KerasShape(null, 7)), Is.EqualTo(new KerasShape(null, 3)), "output_shape excludes the batch");
    }

    [TestCase("m.keras")]
    [TestCase("m.h5")]
    public void LoadModel_Lambda_WithoutRegistration_FailsSayingHowToRegister(string file)
    {
        string path = Path.Combine(_dir, file);
        SquareModel("square_unregistered").Save(path);
        var e = Assert.Throws<KerasFileException>(() => KerasModels.LoadModel(path))!;
        Assert.That(e.Message, Does.Contain("'sq'").And.Contain("square_unregistered").And.Contain("customObjects").And.Contain("Lambda.RegisterFunction"));
    }

    [TestCase("m.keras")]
    [TestCase("m.h5")]
    public void LoadModel_Lambda_WithCustomObjects_PredictsTheSame(string file)
    {
        var model = SquareModel();
        string path = Path.Combine(_dir, file);
        model.Save(path);
        var loaded = KerasModels.LoadModel(path, customObjects: new Dictionary<string, object> { ["square"] = s_square });
        Assert.That(loaded.Predict(s_x).ToArray(), Is.EqualTo(model.Predict(s_x).ToArray()));
        Assert.That(JToken.DeepEquals(loaded.GetLayer("sq").GetConfig(), model.GetLayer("sq").GetConfig()));
    }

    [Test]
    public void LoadModel_Lambda_WithRegisteredFunction_Loads()
    {
        var model = SquareModel("square_registered_globally");
        string path = Path.Combine(_dir, "m.keras");
        model.Save(path);
        Lambda.RegisterFunction("square_registered_globally", s_square);
        var loaded = KerasModels.LoadModel(path);
        Assert.That(loaded.Predict(s_x).ToArray(), Is.EqualTo(model.Predict(s_x).ToArray()));
    }

    /// <summary>A Keras 3 functional config whose Lambda holds a Python lambda (bytecode).</summary>
    private const string Keras3PythonLambda = """
        {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional", "config": {
          "name": "f", "trainable": true,
          "layers": [
            {"module": "keras.layers", "class_name": "InputLayer", "registered_name": null, "name": "inp",
             "config": {"batch_shape": [null, 3], "dtype": "float32", "sparse": false, "name": "inp"}, "inbound_nodes": []},
            {"module": "keras.layers", "class_name": "Lambda", "registered_name": null, "name": "double_it",
             "config": {"name": "double_it", "trainable": true, "dtype": "float32",
                        "function": {"class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAA", "defaults": null, "closure": null}},
                        "arguments": {}},
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 3], "dtype": "float32", "keras_history": ["inp", 0, 0]}}], "kwargs": {}}]}
          ],
          "input_layers": [["inp", 0, 0]], "output_layers": [["double_it", 0, 0]]}}
        """;

    [Test]
    public void ModelFromJson_PythonLambda_FailsNamingTheLayerAndNeverRunsIt()
    {
        var e = Assert.Throws<KerasFileException>(() => KerasModels.ModelFromJson(Keras3PythonLambda))!;
        Assert.That(e.Message, Does.Contain("Python lambda").And.Contain("\"double_it\""));
    }

    [Test]
    public void ModelFromJson_PythonLambda_ReplacedByLayerName_Runs()
    {
        var model = KerasModels.ModelFromJson(Keras3PythonLambda,
            new Dictionary<string, object> { ["double_it"] = (Func<Tensor, Tensor>)(t => Ops.Multiply(t, 2f)) });
        Assert.That(model.Predict(s_x).ToArray(), Is.EqualTo(new[] { 1f, -3f, 4f, -0.5f, 2f, 6f }));
    }

    [Test]
    public void ModelFromJson_Keras2LambdaList_NeedsRegistrationToo()
    {
        const string json = """
            {"class_name": "Sequential", "keras_version": "2.4.0", "config": {"name": "s", "layers": [
              {"class_name": "Lambda", "config": {"name": "halve", "trainable": true, "batch_input_shape": [null, 3], "dtype": "float32",
               "function": ["4wEAAAAAAAAA", null, null], "function_type": "lambda", "module": "__main__",
               "output_shape": null, "output_shape_type": "raw", "output_shape_module": null, "arguments": {}}}]}}
            """;
        Assert.Throws<KerasFileException>(() => KerasModels.ModelFromJson(json));
        var model = KerasModels.ModelFromJson(json, new Dictionary<string, object> { ["halve"] = (Func<Tensor, Tensor>)(t => Ops.Multiply(t, 0.5f)) });
        Assert.That(model.Predict(s_x).ToArray(), Is.EqualTo(new[] { 0.25f, -0.75f, 1f, -0.125f, 0.5f, 1.5f }));
    }

    /// <summary>A custom layer class: y = x·scale with one trainable weight per feature.</summary>
    private sealed class Scale : Layer
    {
        public Scale(string? name = null) : base(name) { }

        public override string ClassName => "MyScale";

        public Variable? Factors { get; private set; }

        public override void Build(KerasShape inputShape) => Factors = AddWeight("factors", new Shape(inputShape.Last!.Value), new DeepNet.Keras.Initializers.Ones());

        public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null) => Ops.Multiply(inputs, Factors!.Value);

        public static Layer FromConfig(JObject config) => new Scale(LayerConfig.Name(config));
    }

    private static Sequential ScaleModel()
    {
        var model = new Sequential(name: "custom_model");
        model.Add(KerasApi.Input([3], name: "x"));
        model.Add(new Scale(name: "scale"));
        model.Add(new Dense(2, name: "out"));
        SavingRoundTripTests.Randomize(model, 9);
        return model;
    }

    [TestCase("m.keras")]
    [TestCase("m.h5")]
    public void LoadModel_CustomLayerClass_NeedsRegistrationAndLoadsWithIt(string file)
    {
        var model = ScaleModel();
        string path = Path.Combine(_dir, file);
        model.Save(path);
        var e = Assert.Throws<UnsupportedLayersException>(() => KerasModels.LoadModel(path))!;
        Assert.That(e.ClassNames, Is.EqualTo(new[] { "MyScale" }));
        Assert.That(e.Message, Does.Contain("customObjects").And.Contain("LayerRegistry.Register"));

        var loaded = KerasModels.LoadModel(path, customObjects: new Dictionary<string, object> { ["MyScale"] = (Func<JObject, Layer>)Scale.FromConfig });
        Assert.That(loaded.Predict(s_x).ToArray(), Is.EqualTo(model.Predict(s_x).ToArray()));
        Assert.That(loaded.GetLayer("scale"), Is.InstanceOf<Scale>());
    }

    [Test]
    public void LoadModel_CustomObjectOfAnotherType_IsRejected()
    {
        string path = Path.Combine(_dir, "m.keras");
        SquareModel().Save(path);
        var e = Assert.Throws<ArgumentException>(() => KerasModels.LoadModel(path, customObjects: new Dictionary<string, object> { ["square"] = 42 }))!;
        Assert.That(e.Message, Does.Contain("customObjects[\"square\"]").And.Contain("Func<Tensor, Tensor>"));
    }
}
