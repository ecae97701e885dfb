using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;
using KerasModels = DeepNet.Keras.Models;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// The optimizer's state travels with whole-model files (legacy .h5 optimizer_weights, .keras
/// optimizer/vars), so that training resumes exactly where it stopped.
/// </summary>
public class OptimizerStateTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "deepnet-optstate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static Sequential Mlp()
    {
        var model = new Sequential(name: "resume");
        model.Add(KerasApi.Input([6], name: "x"));
        model.Add(new Dense(8, activation: "tanh", name: "hidden"));
        model.Add(new BatchNormalization(name: "norm"));
        model.Add(new Dense(3, activation: "softmax", name: "probs"));
        SavingRoundTripTests.Randomize(model, 7);
        return model;
    }

    private static (Tensor X, Tensor Y) Data()
    {
        var rng = new Random(11);
        const int n = 40;
        var x = new float[n * 6];
        var y = new float[n * 3];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < n; i++) y[i * 3 + rng.Next(3)] = 1;
        return (Tensor.FromArray(x, new Shape(n, 6)), Tensor.FromArray(y, new Shape(n, 3)));
    }

    private static Optimizer MakeOptimizer(string kind) => kind switch
    {
        "adam" => new Adam(learningRate: 0.01f),
        "sgd_momentum" => new SGD(learningRate: 0.05f, momentum: 0.9),
        _ => throw new ArgumentException(kind),
    };

    private static void Fit(Model model, Tensor x, Tensor y) => model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0, shuffle: false);

    private static float MaxDifference(Model a, Model b)
    {
        float max = 0;
        for (int i = 0; i < a.Weights.Count; i++)
        {
            var u = a.Weights[i].ToArray();
            var v = b.Weights[i].ToArray();
            for (int k = 0; k < u.Length; k++) max = Math.Max(max, Math.Abs(u[k] - v[k]));
        }
        return max;
    }

    [TestCase("adam", "m.h5")]
    [TestCase("adam", "m.keras")]
    [TestCase("sgd_momentum", "m.h5")]
    [TestCase("sgd_momentum", "m.keras")]
    public void SaveLoad_AfterOneEpoch_SecondEpochEqualsTwoEpochsStraight(string optimizer, string file)
    {
        var (x, y) = Data();
        var straight = Mlp();
        straight.Compile(MakeOptimizer(optimizer), "categorical_crossentropy");
        Fit(straight, x, y);
        Fit(straight, x, y);

        var first = Mlp();
        first.Compile(MakeOptimizer(optimizer), "categorical_crossentropy");
        Fit(first, x, y);
        string path = Path.Combine(_dir, file);
        first.Save(path);

        var resumed = KerasModels.LoadModel(path);
        Assert.That(resumed.Optimizer, Is.Not.Null.And.InstanceOf(first.Optimizer!.GetType()));
        Assert.That(resumed.Optimizer!.Built, Is.True, "the loaded optimizer is built over the model's trainable variables");
        Assert.That(resumed.Optimizer.Iterations, Is.EqualTo(5), "40 samples in batches of 8: 5 steps");
        Assert.That(resumed.Optimizer.Variables.Select(v => v.Path), Is.EqualTo(first.Optimizer.Variables.Select(v => v.Path)));
        Fit(resumed, x, y);
        Assert.That(MaxDifference(resumed, straight), Is.LessThanOrEqualTo(1e-6f));
        Assert.That(resumed.Optimizer.Iterations, Is.EqualTo(10));

        // The check has teeth: the same second epoch with a fresh optimizer ends elsewhere.
        var fresh = KerasModels.LoadModel(path, compile: false);
        fresh.Compile(MakeOptimizer(optimizer), "categorical_crossentropy");
        Fit(fresh, x, y);
        Assert.That(MaxDifference(fresh, straight), Is.GreaterThan(1e-4f));
    }

    [Test]
    public void LoadModel_CompileFalse_HasNoOptimizer()
    {
        var (x, y) = Data();
        var model = Mlp();
        model.Compile(new Adam(), "categorical_crossentropy");
        Fit(model, x, y);
        string path = Path.Combine(_dir, "m.keras");
        model.Save(path);
        Assert.That(KerasModels.LoadModel(path, compile: false).Optimizer, Is.Null);
    }

    [Test]
    public void LoadWeights_CompiledAndBuiltModel_RestoresOptimizerFromWeightsH5()
    {
        var (x, y) = Data();
        var model = Mlp();
        model.Compile(new Adam(learningRate: 0.01f), "categorical_crossentropy");
        Fit(model, x, y);
        string path = Path.Combine(_dir, "m.weights.h5");
        model.SaveWeights(path);

        var other = Mlp();
        other.Compile(new Adam(learningRate: 0.01f), "categorical_crossentropy");
        other.Optimizer!.Build(other.TrainableWeights);
        other.LoadWeights(path);
        Assert.That(other.Optimizer.Iterations, Is.EqualTo(5));
        var expected = model.Optimizer!.Variables.Skip(2).Select(v => v.ToArray()).ToArray();
        var actual = other.Optimizer.Variables.Skip(2).Select(v => v.ToArray()).ToArray();
        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void LoadModel_Keras3H5_RestoresIterationAndSlotsFromOptimizerWeights()
    {
        KerasFixtures.RequireLayers("Embedding", "GRU", "Dense");
        var model = KerasModels.LoadModel(KerasFixtures.Require("khushibung05_imdb_gru", "gru_model.h5"));
        var optimizer = model.Optimizer;
        Assert.That(optimizer, Is.InstanceOf<Adam>());
        // Expected values read from the file with h5py: adam/iteration = 1565, and sum|x| of
        // adam/sequential_2_gru_gru_cell_kernel_momentum and _velocity.
        Assert.That(optimizer!.Iterations, Is.EqualTo(1565));
        Assert.That(optimizer.Variables, Has.Count.EqualTo(18));
        Assert.That(AbsSum(optimizer.Variables[4]), Is.EqualTo(0.22445740199540376).Within(1e-6));
        Assert.That(AbsSum(optimizer.Variables[5]), Is.EqualTo(0.00019782459431700455).Within(1e-9));
        Assert.That(AbsSum(optimizer.Variables[17]), Is.EqualTo(0.0030242728535085917).Within(1e-9));
    }

    [Test]
    public void LoadModel_Keras22H5_MapsSlotsGroupedByKindAndSkipsVhatPlaceholders()
    {
        KerasFixtures.RequireLayers("Conv2D", "MaxPooling2D");
        // Keras 2.2.4 Adam: iterations, m of the 8 variables, v of the 8, then eight (1,) v̂ placeholders.
        var model = KerasModels.LoadModel(KerasFixtures.Require("dnnrepair_mnist_cnn", "saved-model-01-0.96.hdf5"));
        var optimizer = model.Optimizer!;
        Assert.That(optimizer.Iterations, Is.EqualTo(469));
        // Keras 3 order here: iteration, learning_rate, then m0, v0, m1, v1… (values from h5py, sum|x|).
        Assert.That(optimizer.Variables[1].Name, Is.EqualTo("learning_rate"));
        Assert.That(optimizer.LearningRate, Is.EqualTo(0.001f).Within(1e-9), "Keras 2 files hold no learning rate variable: the config's stays");
        Assert.That(AbsSum(optimizer.Variables[2]), Is.EqualTo(3.12348710373044).Within(1e-5), "m of the first kernel (training/Adam/Variable:0)");
        Assert.That(AbsSum(optimizer.Variables[3]), Is.EqualTo(1.3530756374821067).Within(1e-5), "v of the first kernel (training/Adam/Variable_8:0)");
        Assert.That(AbsSum(optimizer.Variables[4]), Is.EqualTo(0.0057673941482789814).Within(1e-8), "m of the first bias (Variable_1)");
        Assert.That(AbsSum(optimizer.Variables[17]), Is.EqualTo(0.0005080681712570367).Within(1e-9), "v of the last bias (Variable_15)");
    }

    [Test]
    public void LoadModel_KerasFileWithUnbuiltOptimizer_LoadsWithAFreshBuiltOptimizer()
    {
        KerasFixtures.RequireLayers("Conv2D", "BatchNormalization", "GlobalAveragePooling2D");
        // The .keras fixture was saved before training: optimizer/vars holds iteration and learning_rate only.
        var model = KerasModels.LoadModel(KerasFixtures.Require("ibukye_resnet_mnist", "resnet_mnist.keras"));
        Assert.That(model.Optimizer!.Built, Is.True);
        Assert.That(model.Optimizer.Iterations, Is.EqualTo(0));
        Assert.That(model.Optimizer.Variables.Skip(2).All(v => AbsSum(v) == 0), "fresh slots are zero");
    }

    private static double AbsSum(Variable v) => v.ToArray().Sum(f => Math.Abs((double)f));
}
