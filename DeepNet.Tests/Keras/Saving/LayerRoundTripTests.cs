using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Saving;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// Every registered layer type, in a small model, saved in each format (.keras, legacy .h5,
/// .weights.h5 and Keras 2 weights-only .h5 with the JSON) and loaded back: equal configs and
/// bit-identical predictions.
/// </summary>
public class LayerRoundTripTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-layers-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static Func<Model> One(int[] shape, Func<Layer> layer) => () =>
    {
        var model = new Sequential(name: "one");
        model.Add(KerasApi.Input(shape, name: "x"));
        model.Add(layer());
        SavingRoundTripTests.Randomize(model, 21);
        return model;
    };

    private static Func<Model> Stack(int[] shape, params Func<Layer>[] layers) => () =>
    {
        var model = new Sequential(name: "stack");
        model.Add(KerasApi.Input(shape, name: "x"));
        foreach (var l in layers) model.Add(l());
        SavingRoundTripTests.Randomize(model, 22);
        return model;
    };

    private static Func<Model> Two(int[] a, int[] b, Func<Layer> merge) => () =>
    {
        var x = KerasApi.Input(a, name: "a");
        var y = KerasApi.Input(b, name: "b");
        var model = new Model([x, y], [merge().Apply(x, y)], name: "two");
        SavingRoundTripTests.Randomize(model, 23);
        return model;
    };

    private static RnnCellArgs Cell(int units) => new() { Units = units };

    /// <summary>Every class of LayerRegistry except InputLayer, models, bare cells (used inside RNN) and Lambda (CustomObjectsTests).</summary>
    public static IEnumerable<TestCaseData> Cases()
    {
        var cases = new (string Name, Func<Model> Make)[]
        {
            ("Dense", One([5], () => new Dense(4, activation: "relu"))),
            ("Activation", One([5], () => new Activation("tanh"))),
            ("Dropout", One([5], () => new Dropout(0.3f))),
            ("Flatten", One([3, 4], () => new Flatten())),
            ("Reshape", One([3, 4], () => new Reshape([2, 6]))),
            ("Permute", One([3, 4], () => new Permute([2, 1]))),
            ("RepeatVector", One([5], () => new RepeatVector(3))),
            ("Masking", Stack([4, 3], () => new Masking(0f), () => new SimpleRNN(2))),
            ("ActivityRegularization", One([5], () => new ActivityRegularization(0.01f, 0.02f))),
            ("Identity", One([5], () => new Identity())),
            ("ReLU", One([5], () => new ReLU(maxValue: 0.8f, negativeSlope: 0.1f, threshold: 0.05f))),
            ("LeakyReLU", One([5], () => new LeakyReLU(0.2f))),
            ("PReLU", One([5], () => new PReLU())),
            ("ELU", One([5], () => new ELU(0.5f))),
            ("Softmax", One([5], () => new Softmax())),
            ("GaussianNoise", One([5], () => new GaussianNoise(0.1f))),
            ("GaussianDropout", One([5], () => new GaussianDropout(0.2f))),
            ("AlphaDropout", One([5], () => new AlphaDropout(0.2f))),
            ("Conv1D", One([6, 2], () => new Conv1D(3, [2]))),
            ("Conv2D", One([5, 5, 2], () => new Conv2D(3, [2, 2], padding: "same"))),
            ("Conv2DTranspose", One([4, 4, 2], () => new Conv2DTranspose(2, [3, 3], strides: [2, 2]))),
            ("DepthwiseConv2D", One([5, 5, 2], () => new DepthwiseConv2D([3, 3], depthMultiplier: 2))),
            ("SeparableConv2D", One([5, 5, 2], () => new SeparableConv2D(3, [3, 3]))),
            ("MaxPooling1D", One([6, 2], () => new MaxPooling1D([2]))),
            ("AveragePooling1D", One([6, 2], () => new AveragePooling1D([2]))),
            ("MaxPooling2D", One([4, 4, 2], () => new MaxPooling2D([2, 2]))),
            ("AveragePooling2D", One([4, 4, 2], () => new AveragePooling2D([2, 2]))),
            ("GlobalAveragePooling1D", One([6, 2], () => new GlobalAveragePooling1D())),
            ("GlobalMaxPooling1D", One([6, 2], () => new GlobalMaxPooling1D(keepdims: true))),
            ("GlobalAveragePooling2D", One([4, 4, 2], () => new GlobalAveragePooling2D())),
            ("GlobalMaxPooling2D", One([4, 4, 2], () => new GlobalMaxPooling2D())),
            ("BatchNormalization", One([5], () => new BatchNormalization())),
            ("LayerNormalization", One([5], () => new LayerNormalization())),
            ("UnitNormalization", One([5], () => new UnitNormalization())),
            ("GroupNormalization", One([3, 4], () => new GroupNormalization(groups: 2))),
            ("ZeroPadding1D", One([4, 2], () => new ZeroPadding1D([1, 2]))),
            ("ZeroPadding2D", One([3, 3, 2], () => new ZeroPadding2D([1, 1]))),
            ("Cropping1D", One([5, 2], () => new Cropping1D([1, 1]))),
            ("Cropping2D", One([5, 5, 2], () => new Cropping2D([1, 2]))),
            ("UpSampling1D", One([3, 2], () => new UpSampling1D(2))),
            ("UpSampling2D", One([3, 3, 2], () => new UpSampling2D([2, 2]))),
            ("SpatialDropout1D", One([4, 3], () => new SpatialDropout1D(0.2f))),
            ("SpatialDropout2D", One([3, 3, 2], () => new SpatialDropout2D(0.2f))),
            ("Embedding", Stack([5], () => new Embedding(10, 3, maskZero: true), () => new LSTM(2))),
            ("SimpleRNN", One([5, 2], () => new SimpleRNN(3))),
            ("LSTM", One([5, 2], () => new LSTM(3, returnSequences: true))),
            ("GRU", One([5, 2], () => new GRU(3))),
            ("GRU_reset_before", One([5, 2], () => new GRU(3, resetAfter: false))),
            ("RNN_SimpleRNNCell", One([5, 2], () => new RNN(new SimpleRNNCell(Cell(3))))),
            ("RNN_LSTMCell", One([5, 2], () => new RNN(new LSTMCell(Cell(3)), returnSequences: true))),
            ("RNN_GRUCell", One([5, 2], () => new RNN(new GRUCell(Cell(3))))),
            ("Bidirectional", One([5, 2], () => new Bidirectional(new LSTM(2)))),
            ("Bidirectional_sum", One([5, 2], () => new Bidirectional(new GRU(2, returnSequences: true), mergeMode: "sum"))),
            ("TimeDistributed", One([4, 5], () => new TimeDistributed(new Dense(3)))),
        };
        foreach (var (name, make) in cases)
        {
            yield return new TestCaseData(make).SetArgDisplayNames(name);
            yield return new TestCaseData(AsFunctional(make)).SetArgDisplayNames(name + "_functional");
        }

        // Merge layers take several inputs, so their models are functional already.
        var mergeCases = new (string Name, Func<Model> Make)[]
        {
            ("Add", Two([4], [4], () => new Add())),
            ("Subtract", Two([4], [4], () => new Subtract())),
            ("Multiply", Two([4], [4], () => new Multiply())),
            ("Average", Two([4], [4], () => new Average())),
            ("Maximum", Two([4], [4], () => new Maximum())),
            ("Minimum", Two([4], [4], () => new Minimum())),
            ("Concatenate", Two([4], [3], () => new Concatenate())),
            ("Dot", Two([4], [4], () => new Dot([1, 1], normalize: true))),
        };
        foreach (var (name, make) in mergeCases) yield return new TestCaseData(make).SetArgDisplayNames(name);
    }

    /// <summary>
    /// The same layers with the same weights in a functional model (Input → layer → … → output),
    /// rebuilt from their configs, so every layer type is also checked outside a Sequential.
    /// </summary>
    private static Func<Model> AsFunctional(Func<Model> make) => () =>
    {
        var source = make();
        var inputShape = source.Inputs[0].Shape.ToArray().Skip(1).Select(d => d!.Value).ToArray();
        var x = KerasApi.Input(inputShape, name: "x");
        var h = x;
        var pairs = new List<(Layer From, Layer To)>();
        foreach (var layer in source.Layers.Where(l => l is not InputLayer))
        {
            var copy = LayerRegistry.Create(layer.ClassName, layer.GetConfig());
            h = copy.Apply(h);
            pairs.Add((layer, copy));
        }
        var model = new Model([x], [h], name: "functional");
        foreach (var (from, to) in pairs) to.SetWeights(from.GetWeights());
        return model;
    };

    /// <summary>Inputs of 3 samples; whole numbers in [0, 10) where the model starts with an Embedding.</summary>
    private static Tensor[] Inputs(Model model)
    {
        bool indices = model.Layers.FirstOrDefault(l => l is not InputLayer) is Embedding;
        return model.Inputs.Select((t, i) =>
        {
            var x = KerasTestUtil.Random(40 + i, [3, .. t.Shape.SampleDims()]);
            if (!indices) return x;
            var v = x.ToArray().Select(f => (float)Math.Floor((f + 1) * 5) % 10).ToArray();
            v[0] = 0; // a masked step
            return Tensor.FromArray(v, x.Shape);
        }).ToArray();
    }

    private static float[][] Predict(Model model, Tensor[] x) => model.PredictMany(x).Select(t => t.ToArray()).ToArray();

    [TestCaseSource(nameof(Cases))]
    public void EveryFormat_RoundTrip_GivesEqualConfigAndBitIdenticalPredictions(Func<Model> make)
    {
        var model = make();
        var x = Inputs(model);
        var want = Predict(model, x);
        string json = KerasSerializer.SerializeModel(model).ToString();
        foreach (var file in new[] { "m.keras", "m.h5", "w.weights.h5", "w.h5" })
        {
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
            Assert.That(KerasSerializer.SerializeModel(loaded).ToString(), Is.EqualTo(json), $"{file}: config");
            var got = Predict(loaded, x);
            Assert.That(got.Length, Is.EqualTo(want.Length), file);
            for (int i = 0; i < want.Length; i++) Assert.That(got[i], Is.EqualTo(want[i]), $"{file}: output {i} is not bit-identical");
        }
    }
}
