using DeepNet.Keras;
using DeepNet.Keras.Callbacks;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Training;
using DeepNet.Keras.Utils;

namespace DeepNet.Tests.Keras.Training;

public class FitTests
{
    [SetUp]
    public void Setup()
    {
        KerasSession.ClearSession();
        KerasRandom.SetSeed(1);
    }

    /// <summary>A model whose output is always 0 and that cannot learn: its loss is a known function of y.</summary>
    private static Sequential FrozenZeroModel()
    {
        var model = new Sequential([new Dense(1, kernelInitializer: new Zeros(), biasInitializer: new Zeros(), inputDim: 2, trainable: false)]);
        model.Compile(optimizer: "sgd", loss: "mse");
        return model;
    }

    private static Tensor Column(params float[] values) => Tensor.FromArray(values, new Shape(values.Length, 1));

    [Test]
    public void ValidationSplit_TakesTheLastSamplesBeforeShuffling()
    {
        var model = FrozenZeroModel();
        using var x = KerasTestUtil.Random(1, 10, 2);
        using var y = Column(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        var history = model.Fit(x, y, epochs: 2, verbose: 0, validationSplit: 0.2, shuffle: true);
        // Training on 0..7: mean of squares = 140/8; validating on 8, 9: (64 + 81)/2.
        Assert.That(history["loss"], Is.EqualTo(new[] { 17.5, 17.5 }).Within(1e-5));
        Assert.That(history["val_loss"], Is.EqualTo(new[] { 72.5, 72.5 }).Within(1e-5));
        Assert.That(history.HistoryDict.Keys, Is.EqualTo(new[] { "loss", "val_loss" }));
    }

    [Test]
    public void ValidationSplit_LeavingNoSamples_IsAnError()
    {
        var model = FrozenZeroModel();
        using var x = KerasTestUtil.Random(1, 3, 2);
        using var y = Column(0, 1, 2);
        // ⌊3 · (1 − 0.9)⌋ = 0 training samples.
        Assert.That(Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0, validationSplit: 0.9))!.Message, Does.Contain("validation_split=0.9"));
    }

    [Test]
    public void ClassWeight_WeighsEachSamplesLossByItsClass()
    {
        var model = FrozenZeroModel();
        using var x = KerasTestUtil.Random(2, 5, 2);
        using var y = Column(0, 1, 2, 0, 1);
        var history = model.Fit(x, y, verbose: 0, classWeight: new Dictionary<int, double> { [1] = 2.0, [2] = 0.5 });
        // Σ w·y² / N = (0 + 2·1 + 0.5·4 + 0 + 2·1) / 5 (classes not listed weigh 1).
        Assert.That(history["loss"][0], Is.EqualTo(6.0 / 5).Within(1e-5));
    }

    [Test]
    public void SampleWeight_MultipliesPerSampleLoss_AndLossIsBatchSizeWeightedMean()
    {
        var model = FrozenZeroModel();
        using var x = KerasTestUtil.Random(3, 5, 2);
        using var y = Column(1, 2, 3, 4, 5);
        using var w = Tensor.FromArray(new float[] { 1, 0, 2, 0, 1 });
        var history = model.Fit(x, y, batchSize: 2, verbose: 0, shuffle: false, sampleWeight: w);
        // Batches [1,2], [3,4], [5]: losses (1 + 0)/2, (18 + 0)/2, 25/1, weighted by 2, 2, 1 over 5 samples.
        double expected = (0.5 * 2 + 9 * 2 + 25 * 1) / 5.0;
        Assert.That(history["loss"][0], Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void InitialEpoch_RunsTheRemainingEpochsWithTheirIndices()
    {
        var model = FrozenZeroModel();
        using var x = KerasTestUtil.Random(4, 4, 2);
        using var y = Column(1, 1, 1, 1);
        var history = model.Fit(x, y, epochs: 5, initialEpoch: 2, verbose: 0);
        Assert.That(history.Epoch, Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(history["loss"], Has.Count.EqualTo(3));
    }

    [Test]
    public void Callbacks_AreCalledInKerasOrder()
    {
        var model = FrozenZeroModel();
        using var x = KerasTestUtil.Random(5, 4, 2);
        using var y = Column(1, 2, 3, 4);
        using var vx = KerasTestUtil.Random(6, 2, 2);
        using var vy = Column(1, 2);
        var recorder = new Recorder();
        model.Fit(x, y, batchSize: 2, epochs: 2, verbose: 0, callbacks: [recorder], validationData: (vx, vy), shuffle: false);
        var epoch = new[] { "train_batch_begin 0", "train_batch_end 0", "train_batch_begin 1", "train_batch_end 1", "test_begin", "test_batch_begin 0", "test_batch_end 0", "test_end" };
        var expected = new List<string> { "train_begin", "epoch_begin 0" };
        expected.AddRange(epoch);
        expected.AddRange(["epoch_end 0", "epoch_begin 1"]);
        expected.AddRange(epoch);
        expected.AddRange(["epoch_end 1", "train_end"]);
        Assert.That(recorder.Events, Is.EqualTo(expected));
        Assert.That(recorder.Model, Is.SameAs(model));
        Assert.That(recorder.Params["epochs"], Is.EqualTo(2));
        Assert.That(recorder.Params["steps"], Is.EqualTo(2));
    }

    private sealed class Recorder : Callback
    {
        public List<string> Events { get; } = new();
        public override void OnTrainBegin(IDictionary<string, double>? logs = null) => Events.Add("train_begin");
        public override void OnTrainEnd(IDictionary<string, double>? logs = null) => Events.Add("train_end");
        public override void OnEpochBegin(int epoch, IDictionary<string, double>? logs = null) => Events.Add($"epoch_begin {epoch}");
        public override void OnEpochEnd(int epoch, IDictionary<string, double>? logs = null) => Events.Add($"epoch_end {epoch}");
        public override void OnTrainBatchBegin(int batch, IDictionary<string, double>? logs = null) => Events.Add($"train_batch_begin {batch}");
        public override void OnTrainBatchEnd(int batch, IDictionary<string, double>? logs = null) => Events.Add($"train_batch_end {batch}");
        public override void OnTestBegin(IDictionary<string, double>? logs = null) => Events.Add("test_begin");
        public override void OnTestEnd(IDictionary<string, double>? logs = null) => Events.Add("test_end");
        public override void OnTestBatchBegin(int batch, IDictionary<string, double>? logs = null) => Events.Add($"test_batch_begin {batch}");
        public override void OnTestBatchEnd(int batch, IDictionary<string, double>? logs = null) => Events.Add($"test_batch_end {batch}");
    }

    [Test]
    public void EarlyStopping_StopsAfterPatience_AndRestoresTheBestEpochsWeights()
    {
        var model = new Sequential([new Dense(1, inputDim: 3)]);
        model.Compile(optimizer: "sgd", loss: "mse");
        using var x = KerasTestUtil.Random(7, 16, 3);
        using var y = KerasTestUtil.Random(8, 16, 1);
        double[] monitored = [3, 1, 2, 4, 5, 0];
        var snapshots = new List<float[][]>();
        var inject = new LambdaCallback(onEpochEnd: (epoch, logs) =>
        {
            logs!["val_loss"] = monitored[epoch];
            snapshots.Add(model.GetWeightArrays());
        });
        var stopping = new EarlyStopping(patience: 2, restoreBestWeights: true);
        var history = model.Fit(x, y, epochs: 6, verbose: 0, callbacks: [inject, stopping]);

        Assert.That(history.Epoch, Is.EqualTo(new[] { 0, 1, 2, 3 }));
        Assert.That(stopping.StoppedEpoch, Is.EqualTo(3));
        Assert.That(stopping.BestEpoch, Is.EqualTo(1));
        Assert.That(history["val_loss"], Is.EqualTo(new[] { 3.0, 1, 2, 4 }));
        var final = model.GetWeightArrays();
        Assert.That(final, Is.EqualTo(snapshots[1]), "weights of the best epoch are restored");
        Assert.That(snapshots[3], Is.Not.EqualTo(snapshots[1]), "training did move the weights");
    }

    [Test]
    public void EarlyStopping_UnknownMode_IsAnError()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => new EarlyStopping(mode: "maximum"))!.Message, Does.Contain("mode=maximum"));
    }

    [Test]
    public void TrainOnBatch_RepeatedLowersTheLoss_AndTestOnBatchAgrees()
    {
        var model = new Sequential([new Dense(1, inputDim: 4)]);
        model.Compile(optimizer: new DeepNet.Keras.Optimizers.SGD(learningRate: 0.1), loss: "mse");
        using var x = KerasTestUtil.Random(9, 32, 4);
        using var w = Tensor.FromArray(new float[] { 0.5f, -1, 2, 0.25f }, new Shape(4, 1));
        using var y = DeepNet.Ops.MatMul(x, w);
        double first = model.TestOnBatch(x, y)["loss"];
        for (int i = 0; i < 50; i++) model.TrainOnBatch(x, y);
        double last = model.TestOnBatch(x, y)["loss"];
        Assert.That(last, Is.LessThan(first / 4));
    }

    [Test]
    public void Fit_WrongInputWidth_NamesTheLayerAndBothShapes()
    {
        var model = FrozenZeroModel();
        using var x = KerasTestUtil.Random(1, 10, 3);
        using var y = Column(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        var e = Assert.Throws<ShapeMismatchException>(() => model.Fit(x, y, verbose: 0));
        Assert.That(e!.Message, Does.Contain("input_layer").And.Contain("(None, 2)").And.Contain("(10, 3)"));
    }

    [Test]
    public void IntegerLabels_WithCategoricalCrossentropy_SuggestTheSparseLoss()
    {
        var model = new Sequential([new Dense(3, activation: "softmax", inputDim: 2)]);
        model.Compile(optimizer: "sgd", loss: "categorical_crossentropy");
        using var x = KerasTestUtil.Random(1, 4, 2);
        using var y = Tensor.FromArray(new[] { 0, 1, 2, 1 });
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0));
        Assert.That(e!.Message, Does.Contain("sparse_categorical_crossentropy"));
    }

    [Test]
    public void Metrics_AccuracyIsLoggedUnderTheNameGiven_ValPrefixed()
    {
        var model = new Sequential([new Dense(3, activation: "softmax", inputDim: 2)]);
        model.Compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        using var x = KerasTestUtil.Random(1, 20, 2);
        using var y = Tensor.FromArray(Enumerable.Range(0, 20).Select(i => i % 3).ToArray());
        var history = model.Fit(x, y, epochs: 1, verbose: 0, validationSplit: 0.25);
        Assert.That(history.HistoryDict.Keys, Is.EqualTo(new[] { "accuracy", "loss", "val_accuracy", "val_loss" }));
        var scores = model.Evaluate(x, y, verbose: 0);
        Assert.That(scores.Keys, Is.EquivalentTo(new[] { "accuracy", "loss" }));
    }

    [Test]
    public void Predict_From8Threads_GivesTheSameNumbersAsOneCaller()
    {
        var model = new Sequential([new Dense(16, activation: "relu", inputDim: 8), new Dense(4, activation: "softmax")]);
        using var x = KerasTestUtil.Random(11, 100, 8);
        var reference = model.Predict(x, batchSize: 7).ToArray();
        var results = new float[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            for (int r = 0; r < 5; r++)
            {
                using var y = model.Predict(x, batchSize: 7);
                results[i] = y.ToArray();
            }
        });
        foreach (var r in results) Assert.That(r, Is.EqualTo(reference));
    }

    [Test]
    public void Fit_FromDataSource_ReadsOnABackgroundThread()
    {
        var model = new Sequential([new Dense(1, inputDim: 2)]);
        model.Compile(optimizer: "sgd", loss: "mse");
        var source = new Batches();
        var history = model.Fit(source, epochs: 2, verbose: 0);
        Assert.That(history["loss"], Has.Count.EqualTo(2));
        Assert.That(source.Calls, Is.EqualTo(2 * source.Count));
        Assert.That(source.Threads, Does.Not.Contain(Environment.CurrentManagedThreadId));
        Assert.That(source.EpochEnds, Is.EqualTo(2));
        var predictions = model.Predict(source);
        Assert.That(predictions[0].Shape, Is.EqualTo(new Shape(source.Count * 4, 1)));
    }

    private sealed class Batches : DataSource
    {
        public int Calls;
        public int EpochEnds;
        public readonly System.Collections.Concurrent.ConcurrentBag<int> Threads = new();
        public override int Count => 3;
        public override (Tensor X, Tensor Y) GetItem(int index)
        {
            Interlocked.Increment(ref Calls);
            Threads.Add(Environment.CurrentManagedThreadId);
            return (KerasTestUtil.Random(index, 4, 2), KerasTestUtil.Random(index + 10, 4, 1));
        }
        public override void OnEpochEnd() => EpochEnds++;
    }

    [Test]
    public void MultiOutput_LossesAndWeights_LogPerOutputLosses()
    {
        var x = KerasApi.Input([2]);
        var a = new Dense(1, kernelInitializer: new Zeros(), name: "a", trainable: false).Apply(x);
        var b = new Dense(1, kernelInitializer: new Zeros(), name: "b", trainable: false).Apply(x);
        var model = new Model([x], [a, b]);
        model.Compile(optimizer: "sgd", losses: ["mse", "mae"], lossWeights: [1f, 0.5f]);
        using var xs = KerasTestUtil.Random(1, 2, 2);
        using var ya = Column(1, 3);
        using var yb = Column(-2, 4);
        var logs = model.Evaluate([xs], [ya, yb], verbose: 0);
        // a: mse (1 + 9)/2 = 5; b: 0.5 · mae (2 + 4)/2 = 1.5.
        Assert.That(logs["a_loss"], Is.EqualTo(5).Within(1e-5));
        Assert.That(logs["b_loss"], Is.EqualTo(1.5).Within(1e-5));
        Assert.That(logs["loss"], Is.EqualTo(6.5).Within(1e-5));
        Assert.Throws<ArgumentException>(() => model.TestOnBatch(xs, ya));
    }
}

public class FitOptionTests
{
    [SetUp]
    public void Setup()
    {
        KerasSession.ClearSession();
        KerasRandom.SetSeed(3);
    }

    [Test]
    public void RegularizationPenalty_IsPartOfTheLoggedLoss()
    {
        // One batch, weights all 1: loss = mse(x·W, y) + 0.5·Σw², logged before the update.
        var model = new Sequential([new Dense(1, useBias: false, kernelInitializer: new Constant(1f),
            kernelRegularizer: new DeepNet.Keras.Regularizers.L2(0.5), inputDim: 2)]);
        model.Compile(optimizer: "sgd", loss: "mse");
        using var x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, new Shape(2, 2));
        using var y = Tensor.FromArray(new float[] { 2, 5 }, new Shape(2, 1));
        var history = model.Fit(x, y, verbose: 0);
        // predictions 3 and 7: mse = (1 + 4)/2 = 2.5; penalty 0.5·(1 + 1) = 1.
        Assert.That(history["loss"][0], Is.EqualTo(3.5).Within(1e-5));
        Assert.That(model.Losses, Has.Count.EqualTo(1));
    }

    [Test]
    public void StepsPerEpochAndValidationFreq_LimitBatchesAndValidationEpochs()
    {
        var model = new Sequential([new Dense(1, inputDim: 2)]);
        model.Compile(optimizer: "sgd", loss: "mse");
        using var x = KerasTestUtil.Random(1, 40, 2);
        using var y = KerasTestUtil.Random(2, 40, 1);
        int batches = 0;
        int validations = 0;
        var count = new LambdaCallback(onTrainBatchEnd: (_, _) => batches++, onEpochEnd: (_, logs) => { if (logs!.ContainsKey("val_loss")) validations++; });
        var history = model.Fit(x, y, batchSize: 4, epochs: 4, verbose: 0, stepsPerEpoch: 3, validationSplit: 0.5, validationFreq: 2, callbacks: [count]);
        Assert.That(batches, Is.EqualTo(12));
        Assert.That(validations, Is.EqualTo(2));
        Assert.That(history["val_loss"], Has.Count.EqualTo(2));
    }

    [Test]
    public void Fit_FromHostArrays_TrainsLikeFromTensors()
    {
        var x = new float[,] { { 0, 1 }, { 1, 0 }, { 1, 1 }, { 0, 0 } };
        var y = new float[,] { { 1 }, { 1 }, { 2 }, { 0 } };
        var model = new Sequential([new Dense(1, inputDim: 2)]);
        model.Compile(optimizer: new DeepNet.Keras.Optimizers.SGD(learningRate: 0.2), loss: "mse");
        var history = model.Fit(x, y, epochs: 60, verbose: 0);
        Assert.That(history["loss"][^1], Is.LessThan(0.01));
        var prediction = model.Predict(new float[,] { { 1, 1 } }).ToArray();
        Assert.That(prediction[0], Is.EqualTo(2).Within(0.2));
    }

    [Test]
    public void Evaluate_BeforeCompile_SaysToCompile()
    {
        var model = new Sequential([new Dense(1, inputDim: 2)]);
        using var x = KerasTestUtil.Random(1, 4, 2);
        var e = Assert.Throws<InvalidOperationException>(() => model.Evaluate(x, x, verbose: 0));
        Assert.That(e!.Message, Does.Contain("Compile"));
    }
}
