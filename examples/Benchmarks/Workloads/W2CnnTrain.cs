using System.Diagnostics;
using DeepNet.Backends;
using DeepNet.Backends.Cpu;

namespace DeepNet.Benchmarks.Workloads;

/// <summary>
/// W2: training steps of Keras's mnist_cnn (batch 128, categorical cross-entropy, Adam at Keras's
/// defaults) on random images. Warm-up ≥ 3 steps and ≥ 3 s; each repetition times 20 steps;
/// samples/s = 128 · 20 / time.
/// </summary>
internal sealed class W2CnnTrain : IWorkload
{
    private const int Batch = 128;
    private const int Steps = 20;

    public string Name => "W2";

    public string Description => "mnist_cnn training, batch 128, Adam (cnn_train_samples_per_s)";

    public void Run(BenchOptions options, Report report)
    {
        Backend.Use(new CpuBackend(threads: options.Threads));
        var rng = new Random(options.Seed);
        var model = MnistCnnModel.Create();
        var x = MnistCnnModel.Images(rng, Batch);
        var y = MnistCnnModel.Labels(rng, Batch);

        var watch = Stopwatch.StartNew();
        int warm = 0;
        while (warm < 3 || watch.Elapsed.TotalSeconds < 3)
        {
            model.TrainOnBatch(x, y);
            warm++;
        }
        var values = new List<double>(options.Reps);
        for (int r = 0; r < options.Reps; r++)
        {
            watch.Restart();
            for (int i = 0; i < Steps; i++) model.TrainOnBatch(x, y);
            values.Add(Batch * Steps / watch.Elapsed.TotalSeconds);
        }
        report.Emit(Name, "cnn_train_samples_per_s", values, "samples/s");
    }
}
