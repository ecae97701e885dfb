using DeepNet.Keras;
using DeepNet.Keras.Callbacks;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Utils;

namespace DeepNet.Tests.Keras.Training;

public class CallbackTests
{
    [SetUp]
    public void Setup()
    {
        KerasSession.ClearSession();
        KerasRandom.SetSeed(2);
    }

    private static (Sequential Model, Tensor X, Tensor Y) Problem()
    {
        var model = new Sequential([new Dense(1, inputDim: 2)]);
        model.Compile(optimizer: "sgd", loss: "mse");
        return (model, KerasTestUtil.Random(1, 8, 2), KerasTestUtil.Random(2, 8, 1));
    }

    private static LambdaCallback Monitored(params double[] values) =>
        new(onEpochEnd: (epoch, logs) => logs!["val_loss"] = values[epoch]);

    [Test]
    public void ReduceLROnPlateau_CutsTheRateAfterPatience_ThenCoolsDown()
    {
        var (model, x, y) = Problem();
        var reduce = new ReduceLROnPlateau(factor: 0.5, patience: 2, cooldown: 1, minLr: 0.002);
        // No improvement after epoch 0: reductions at the end of epochs 2, 4 and 6 (a cooldown epoch
        // resets the wait), the last one clipped to min_lr; the logged rate is the one the epoch used.
        var history = model.Fit(x, y, epochs: 9, verbose: 0, batchSize: 8, callbacks: [Monitored(1, 1, 1, 1, 1, 1, 1, 1, 1), reduce]);
        var lrs = history["learning_rate"];
        Assert.That(lrs[0], Is.EqualTo(0.01).Within(1e-7));
        Assert.That(lrs, Is.EqualTo(new[] { 0.01, 0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025, 0.002, 0.002 }).Within(1e-7));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new ReduceLROnPlateau(factor: 1.0))!.Message, Does.Contain("factor=1"));
    }

    [Test]
    public void LearningRateScheduler_SetsTheRateEachEpochFromTheSchedule()
    {
        var (model, x, y) = Problem();
        var seen = new List<double>();
        var history = model.Fit(x, y, epochs: 3, verbose: 0, callbacks:
        [
            new LearningRateScheduler((epoch, lr) => epoch == 0 ? 0.1 : lr / 2),
            new LambdaCallback(onEpochBegin: (_, _) => seen.Add(model.Optimizer!.LearningRate)),
        ]);
        Assert.That(seen, Is.EqualTo(new[] { 0.1, 0.05, 0.025 }).Within(1e-7));
        Assert.That(history["learning_rate"], Is.EqualTo(new[] { 0.1, 0.05, 0.025 }).Within(1e-7));
    }

    [Test]
    public void TerminateOnNaN_StopsAfterTheBadBatch()
    {
        var (model, x, y) = Problem();
        int batches = 0;
        var poison = new LambdaCallback(onTrainBatchEnd: (batch, logs) =>
        {
            batches++;
            if (batch == 1) logs!["loss"] = double.NaN;
        });
        var history = model.Fit(x, y, epochs: 3, batchSize: 2, verbose: 0, callbacks: [poison, new TerminateOnNaN()]);
        Assert.That(batches, Is.EqualTo(2));
        Assert.That(history.Epoch, Is.EqualTo(new[] { 0 }));
    }

    [Test]
    public void CSVLogger_WritesEpochThenSortedKeys_WithValColumnsAndNA()
    {
        var (model, x, y) = Problem();
        string path = Path.Combine(Path.GetTempPath(), $"deepnet-csv-{Guid.NewGuid():N}.csv");
        try
        {
            var history = model.Fit(x, y, epochs: 2, verbose: 0, callbacks: [new CSVLogger(path)]);
            var text = File.ReadAllText(path);
            var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines[0], Is.EqualTo("epoch,loss,val_loss"));
            Assert.That(lines[1], Is.EqualTo($"0,{PythonFormat.Repr(history["loss"][0])},NA"));
            Assert.That(lines[2], Does.StartWith("1,").And.EndWith(",NA"));
            Assert.That(lines, Has.Length.EqualTo(3));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ModelCheckpoint_FillsTheTemplate_AndSavesTheWeights()
    {
        string dir = Directory.CreateTempSubdirectory("deepnet-checkpoint").FullName;
        try
        {
            var checkpoint = new ModelCheckpoint(Path.Combine(dir, "weights.{epoch:02d}-{val_loss:.2f}.h5"), saveWeightsOnly: true);
            Assert.That(checkpoint.FilePathFor(2, null, new Dictionary<string, double> { ["val_loss"] = 0.12345 }),
                Is.EqualTo(Path.Combine(dir, "weights.03-0.12.h5")));
            var (model, x, y) = Problem();
            model.Fit(x, y, epochs: 1, verbose: 0, callbacks: [Monitored(0.5), checkpoint]);
            string saved = Path.Combine(dir, "weights.01-0.50.h5");
            Assert.That(checkpoint.SavedPaths, Is.EqualTo(new[] { saved }));
            Assert.That(File.Exists(saved), Is.True, "the checkpoint file was written");
            var before = model.GetWeightArrays();
            model.SetWeights(before.Select(w => new float[w.Length]).ToArray());
            model.LoadWeights(saved);
            Assert.That(model.GetWeightArrays(), Is.EqualTo(before), "the checkpoint holds the weights of epoch 1");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void ModelCheckpoint_SaveBestOnly_SavesOnlyOnImprovement()
    {
        var checkpoint = new RecordingCheckpoint("best.keras");
        var (model, x, y) = Problem();
        model.Fit(x, y, epochs: 4, verbose: 0, callbacks: [Monitored(2, 1, 1.5, 0.5), checkpoint]);
        Assert.That(checkpoint.Saved, Is.EqualTo(new[] { 0, 1, 3 }));
    }

    /// <summary>Counts the epochs a save-best checkpoint would write, through a model whose Save records.</summary>
    private sealed class RecordingCheckpoint : Callback
    {
        private readonly ModelCheckpoint _inner;
        private int _epoch;

        public RecordingCheckpoint(string path) => _inner = new ModelCheckpoint(path, saveBestOnly: true);

        public List<int> Saved { get; } = new();

        public override void OnEpochEnd(int epoch, IDictionary<string, double>? logs = null)
        {
            _epoch = epoch;
            int before = _inner.SavedPaths.Count;
            try
            {
                _inner.SetModel(Model!);
                _inner.OnEpochEnd(epoch, logs);
            }
            catch (NotSupportedException)
            {
                // The save itself is not implemented yet; the decision to save is what is tested.
            }
            if (_inner.SavedPaths.Count > before) Saved.Add(_epoch);
        }
    }

    [Test]
    public void ModelCheckpoint_WrongExtension_IsRefusedQuotingThePath()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => new ModelCheckpoint("model.txt"))!.Message, Does.Contain("filepath=model.txt"));
    }
}
