using DeepNet.Keras;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;
using static DeepNet.Tests.Keras.Layers.AttentionReference;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// Model inputs of Keras's dtypes: token ids (int32/int64/uint8), bool masks and float16/float64
/// data. The dtype name survives configs and files, data of any type is converted as Keras
/// converts inputs (truncated to integers, non-zero to true), and the results match float64
/// references.
/// </summary>
public class InputDTypeTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    private string _dir = "";

    [SetUp]
    public void MakeFolder()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-iodtypes-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void RemoveFolder()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [TestCase("float32", DType.Float32)]
    [TestCase("float16", DType.Float32)]
    [TestCase("bfloat16", DType.Float32)]
    [TestCase("float64", DType.Float32)]
    [TestCase("bool", DType.Float32)]
    [TestCase("int8", DType.Int32)]
    [TestCase("int16", DType.Int32)]
    [TestCase("int32", DType.Int32)]
    [TestCase("uint8", DType.Int32)]
    [TestCase("uint16", DType.Int32)]
    [TestCase("uint32", DType.Int64)]
    [TestCase("int64", DType.Int64)]
    public void Input_KerasDType_KeepsTheNameAndHoldsDataInTheNearestTensorType(string dtype, DType storage)
    {
        var x = KerasApi.Input([3], name: "x", dtype: dtype);

        Assert.That(x.KerasDType, Is.EqualTo(dtype));
        Assert.That(x.DType, Is.EqualTo(storage));
        var layer = (InputLayer)x.Layer;
        Assert.That((string?)layer.GetConfig()["dtype"], Is.EqualTo(dtype));
        var back = InputLayer.FromConfig(layer.GetConfig());
        Assert.That(back.InputDType, Is.EqualTo(dtype));
        Assert.That(back.Output.DType, Is.EqualTo(storage));
    }

    [Test]
    public void Input_NoDType_IsFloat32()
    {
        var x = KerasApi.Input([3]);
        Assert.That(x.KerasDType, Is.EqualTo("float32"));
        Assert.That(x.DType, Is.EqualTo(DType.Float32));
    }

    [TestCase("uint64")]
    [TestCase("string")]
    [TestCase("complex64")]
    [TestCase("float8_e4m3fn")]
    public void Input_KerasDTypeDeepNetCannotHold_ThrowsNamingTheLayerAndTheDType(string dtype)
    {
        var e = Assert.Throws<NotSupportedException>(() => KerasApi.Input([3], name: "ids", dtype: dtype))!;
        Assert.That(e.Message, Does.Contain("'ids'").And.Contain($"\"{dtype}\""));
    }

    [Test]
    public void Input_NameThatIsNoKerasDType_ThrowsInvalidDType()
    {
        var e = Assert.Throws<ArgumentException>(() => KerasApi.Input([3], name: "ids", dtype: "float128"))!;
        Assert.That(e.Message, Does.Contain("'ids'").And.Contain("Invalid dtype: float128"));
    }

    [TestCase("""{"batch_shape": [null, 3], "dtype": "int64", "sparse": false, "ragged": false, "name": "a"}""", "int64")]
    [TestCase("""{"batch_input_shape": [null, 3], "dtype": "bool", "sparse": false, "name": "a"}""", "bool")]
    [TestCase("""{"batch_shape": [null, 3], "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float16"}, "registered_name": null}, "name": "a"}""", "float16")]
    [TestCase("""{"batch_shape": [null, 3], "dtype": null, "name": "a"}""", "float32")]
    [TestCase("""{"batch_shape": [null, 3], "name": "a", "optional": false}""", "float32")]
    public void InputLayerFromConfig_KerasForms_ReadTheDType(string json, string expected)
    {
        var layer = InputLayer.FromConfig(JObject.Parse(json));
        Assert.That(layer.InputDType, Is.EqualTo(expected));
    }

    // ---- integer token ids ---------------------------------------------------------------------

    private const int Vocab = 7, Dim = 3, Steps = 4, Units = 2;

    private static readonly int[] Ids = [1, 0, 6, 3, 2, 2, 5, 0, 4, 1, 1, 6];   // (3, 4)

    private static float[] Values(int seed, int n)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    private static readonly float[] Table = Values(1, Vocab * Dim);
    private static readonly float[] Kernel = Values(2, Steps * Dim * Units);
    private static readonly float[] Bias = Values(3, Units);

    /// <summary>ids (batch, 4) → Embedding(7, 3) → Flatten → Dense(2), weights fixed above.</summary>
    private static Model TokenModel(string dtype)
    {
        var ids = KerasApi.Input([Steps], name: "ids", dtype: dtype);
        var e = new Embedding(Vocab, Dim, name: "embedding").Apply(ids);
        var y = new Dense(Units, name: "dense").Apply(new Flatten(name: "flatten").Apply(e));
        var model = new Model(ids, y, name: "tokens");
        model.SetWeights(new[] { Table, Kernel, Bias });
        return model;
    }

    /// <summary>Float64: each row of ids looked up, flattened, times the kernel plus the bias.</summary>
    private static float[] TokenReference(int[] ids)
    {
        int batch = ids.Length / Steps;
        var y = new float[batch * Units];
        for (int b = 0; b < batch; b++)
        {
            for (int u = 0; u < Units; u++)
            {
                double acc = Bias[u];
                for (int t = 0; t < Steps; t++)
                {
                    for (int d = 0; d < Dim; d++) acc += (double)Table[ids[b * Steps + t] * Dim + d] * Kernel[(t * Dim + d) * Units + u];
                }
                y[b * Units + u] = (float)acc;
            }
        }
        return y;
    }

    [TestCase("int32")]
    [TestCase("int64")]
    [TestCase("uint8")]
    public void Predict_IntegerInput_FedInt32Int64OrWholeFloats_MatchesFloat64Reference(string dtype)
    {
        var model = TokenModel(dtype);
        var expected = TokenReference(Ids);
        var shape = new Shape(Ids.Length / Steps, Steps);

        using var asInt32 = Tensor.FromArray(Ids, shape);
        using var asInt64 = Tensor.FromArray(Ids.Select(i => (long)i).ToArray(), shape);
        using var asFloat = Tensor.FromArray(Ids.Select(i => (float)i).ToArray(), shape);
        Assert.That(model.Predict(asInt32).ToArray(), Is.EqualTo(expected).Within(1e-6f));
        Assert.That(model.Predict(asInt64).ToArray(), Is.EqualTo(expected).Within(1e-6f));
        Assert.That(model.Predict(asFloat).ToArray(), Is.EqualTo(expected).Within(1e-6f));
    }

    [Test]
    public void Predict_IntegerInputFedFractions_TruncatesAsKerasConverts()
    {
        var model = TokenModel("int32");
        var shape = new Shape(Ids.Length / Steps, Steps);
        // numpy's astype(int32) truncates toward zero: 1.9 → 1, 6.5 → 6.
        using var fractions = Tensor.FromArray(Ids.Select(i => i + 0.9f).ToArray(), shape);
        Assert.That(model.Predict(fractions).ToArray(), Is.EqualTo(TokenReference(Ids)).Within(1e-6f));
    }

    [Test]
    public void FitAndEvaluate_Int32Input_TrainsAndEvaluatesOnTokenIds()
    {
        var model = TokenModel("int32");
        model.Compile(optimizer: "sgd", loss: "mse");
        var shape = new Shape(Ids.Length / Steps, Steps);
        using var x = Tensor.FromArray(Ids, shape);
        var target = new float[Ids.Length / Steps * Units];
        using var y = Tensor.FromArray(target, new Shape(Ids.Length / Steps, Units));

        // Float64 mean squared error of the untrained predictions against zeros.
        double mse = TokenReference(Ids).Select(v => (double)v * v).Average();
        var before = model.Evaluate(x, y, verbose: 0);
        Assert.That(before["loss"], Is.EqualTo(mse).Within(1e-6));

        var history = model.Fit(x, y, epochs: 5, verbose: 0);
        Assert.That(history.HistoryDict["loss"], Has.Count.EqualTo(5));
        Assert.That(model.Evaluate(x, y, verbose: 0)["loss"], Is.LessThan(before["loss"]));
    }

    [TestCase(".keras")]
    [TestCase(".h5")]
    public void SaveAndLoad_IntegerInputModel_KeepsTheDTypeAndThePredictions(string extension)
    {
        var model = TokenModel("int64");
        string path = Path.Combine(_dir, "tokens" + extension);
        model.Save(path);
        var loaded = KerasModels.LoadModel(path);

        Assert.That(loaded.Inputs[0].KerasDType, Is.EqualTo("int64"));
        Assert.That(loaded.Inputs[0].DType, Is.EqualTo(DType.Int64));
        Assert.That(JToken.DeepEquals(loaded.GetConfig(), model.GetConfig()), Is.True, $"configs differ:\n{loaded.GetConfig()}\n---\n{model.GetConfig()}");
        using var x = Tensor.FromArray(Ids.Select(i => (long)i).ToArray(), new Shape(Ids.Length / Steps, Steps));
        Assert.That(loaded.Predict(x).ToArray(), Is.EqualTo(model.Predict(x).ToArray()));
    }

    [Test]
    public void FunctionalConfig_IntegerInput_WritesTheDTypeOfItsTensors()
    {
        var model = TokenModel("int32");
        var embedding = ((JArray)model.GetConfig()["layers"]!).Single(l => (string?)l["name"] == "embedding");
        Assert.That((string?)embedding["inbound_nodes"]![0]!["args"]![0]!["config"]!["dtype"], Is.EqualTo("int32"));
    }

    // ---- bool masks ------------------------------------------------------------------------------

    // B=2 sequences of T=3 positions with D=4 features; 2 heads of key_dim 2.
    private const int B = 2, T = 3, D = 4, Heads = 2, KeyDim = 2;

    private static double[] Doubles(int seed, int n, double scale = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 2 - 1) * scale).ToArray();
    }

    private static readonly double[] X = Doubles(21, B * T * D);

    /// <summary>(B, T, T): sample 0 never attends to position 1, sample 1 attends only to positions ≤ i.</summary>
    private static readonly double[] Allowed =
    [
        1, 0, 1, 1, 0, 1, 1, 0, 1,
        1, 0, 0, 1, 1, 0, 1, 1, 1,
    ];

    private static MhaWeights MhaWeightsFixed() => new(
        Doubles(31, D * Heads * KeyDim, 0.5), Doubles(32, Heads * KeyDim, 0.2),
        Doubles(33, D * Heads * KeyDim, 0.5), Doubles(34, Heads * KeyDim, 0.2),
        Doubles(35, D * Heads * KeyDim, 0.5), Doubles(36, Heads * KeyDim, 0.2),
        Doubles(37, Heads * KeyDim * D, 0.5), Doubles(38, D, 0.2));

    private static Model BoolMaskModel()
    {
        var x = KerasApi.Input([T, D], name: "x");
        var m = KerasApi.Input([T, T], name: "allowed", dtype: "bool");
        var mha = new MultiHeadAttention(Heads, KeyDim, name: "mha");
        var model = new Model([x, m], [mha.Apply(x, x, attentionMask: m)], name: "bool_mask");
        var w = MhaWeightsFixed();
        mha.SetWeights(new[] { w.Wq, w.Bq, w.Wk, w.Bk, w.Wv, w.Bv, w.Wo, w.Bo }.Select(a => a.Select(d => (float)d).ToArray()).ToArray());
        return model;
    }

    private static float[] BoolMaskReference() =>
        MultiHead(X, X, X, MhaWeightsFixed(), B, T, T, D, D, D, Heads, KeyDim, KeyDim, D, Allowed).Output.Select(d => (float)d).ToArray();

    private static Tensor XTensor() => Tensor.FromArray(X.Select(d => (float)d).ToArray(), new Shape(B, T, D));

    [Test]
    public void Predict_BoolAttentionMaskInput_FedAsZeroOneFloatsOrInts_MatchesFloat64Reference()
    {
        var model = BoolMaskModel();
        Assert.That(model.Inputs[1].KerasDType, Is.EqualTo("bool"));
        using var x = XTensor();
        using var asFloat = Tensor.FromArray(Allowed.Select(d => (float)d).ToArray(), new Shape(B, T, T));
        using var asInt = Tensor.FromArray(Allowed.Select(d => (int)d).ToArray(), new Shape(B, T, T));

        Assert.That(model.PredictMany([x, asFloat])[0].ToArray(), Is.EqualTo(BoolMaskReference()).Within(1e-5f));
        Assert.That(model.PredictMany([x, asInt])[0].ToArray(), Is.EqualTo(BoolMaskReference()).Within(1e-5f));
    }

    [Test]
    public void Predict_BoolInputFedOtherNumbers_CountsNonZeroAsTrue()
    {
        var model = BoolMaskModel();
        using var x = XTensor();
        // numpy's astype(bool): any non-zero value is True.
        using var scaled = Tensor.FromArray(Allowed.Select((d, i) => d == 0 ? 0f : (i % 2 == 0 ? 0.25f : -3f)).ToArray(), new Shape(B, T, T));
        Assert.That(model.PredictMany([x, scaled])[0].ToArray(), Is.EqualTo(BoolMaskReference()).Within(1e-5f));
    }

    [TestCase(".keras")]
    [TestCase(".h5")]
    public void SaveAndLoad_BoolMaskModel_KeepsTheDTypeAndThePredictions(string extension)
    {
        var model = BoolMaskModel();
        string path = Path.Combine(_dir, "bool_mask" + extension);
        model.Save(path);
        var loaded = KerasModels.LoadModel(path);

        Assert.That(loaded.Inputs[1].KerasDType, Is.EqualTo("bool"));
        Assert.That(JToken.DeepEquals(loaded.GetConfig(), model.GetConfig()), Is.True, $"configs differ:\n{loaded.GetConfig()}\n---\n{model.GetConfig()}");
        using var x = XTensor();
        using var m = Tensor.FromArray(Allowed.Select(d => (float)d).ToArray(), new Shape(B, T, T));
        Assert.That(loaded.PredictMany([x, m])[0].ToArray(), Is.EqualTo(model.PredictMany([x, m])[0].ToArray()));
    }

    [Test]
    public void Predict_Float64Input_ComputesInFloat32AndKeepsTheName()
    {
        var x = KerasApi.Input([Steps * Dim], name: "x", dtype: "float64");
        var dense = new Dense(Units, name: "dense");
        var model = new Model(x, dense.Apply(x));
        model.SetWeights(new[] { Kernel, Bias });
        Assert.That((string?)((InputLayer)x.Layer).GetConfig()["dtype"], Is.EqualTo("float64"));

        var data = Values(9, 2 * Steps * Dim);
        using var input = Tensor.FromArray(data, new Shape(2, Steps * Dim));
        var expected = new float[2 * Units];
        for (int b = 0; b < 2; b++)
        {
            for (int u = 0; u < Units; u++)
            {
                double acc = Bias[u];
                for (int i = 0; i < Steps * Dim; i++) acc += (double)data[b * Steps * Dim + i] * Kernel[i * Units + u];
                expected[b * Units + u] = (float)acc;
            }
        }
        Assert.That(model.Predict(input).ToArray(), Is.EqualTo(expected).Within(1e-6f));
    }
}
