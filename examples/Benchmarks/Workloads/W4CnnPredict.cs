using System.Diagnostics;
using DeepNet.Backends;
using DeepNet.Backends.Cpu;

namespace DeepNet.Benchmarks.Workloads;

/// <summary>
/// W4: W2's model in inference (PredictOnBatch: dropout off, no gradient tape). Batch 1 latency:
/// warm-up ≥ 20 calls and ≥ 1 s, then per repetition 200 timed single-sample calls, the value
/// being their median (ms). Batch 256 throughput: warm-up ≥ 3 calls and ≥ 1 s, then 10 calls per
/// repetition (samples/s).
/// </summary>
internal sealed class W4CnnPredict : IWorkload
{
    public string Name => "W4";

    public string Description => "mnist_cnn inference: batch 1 latency, batch 256 throughput (cnn_predict_b1_latency_ms, cnn_predict_b256_samples_per_s)";

    public void Run(BenchOptions options, Report report)
    {
        Backend.Use(new CpuBackend(threads: options.Threads));
        var rng = new Random(options.Seed);
        var model = MnistCnnModel.Create();
        var one = MnistCnnModel.Images(rng, 1);
        var batch = MnistCnnModel.Images(rng, 256);

        var watch = Stopwatch.StartNew();
        for (int warm = 0; warm < 20 || watch.Elapsed.TotalSeconds < 1; warm++) model.PredictOnBatch(one).Dispose();
        var latencies = new List<double>(options.Reps);
        var calls = new double[200];
        for (int r = 0; r < options.Reps; r++)
        {
            for (int i = 0; i < calls.Length; i++)
            {
                watch.Restart();
                model.PredictOnBatch(one).Dispose();
                calls[i] = watch.Elapsed.TotalMilliseconds;
            }
            Array.Sort(calls);
            latencies.Add((calls[99] + calls[100]) / 2);
        }
        report.Emit(Name, "cnn_predict_b1_latency_ms", latencies, "ms");

        watch.Restart();
        for (int warm = 0; warm < 3 || watch.Elapsed.TotalSeconds < 1; warm++) model.PredictOnBatch(batch).Dispose();
        var throughput = new List<double>(options.Reps);
        for (int r = 0; r < options.Reps; r++)
        {
            watch.Restart();
            for (int i = 0; i < 10; i++) model.PredictOnBatch(batch).Dispose();
            throughput.Add(256 * 10 / watch.Elapsed.TotalSeconds);
        }
        report.Emit(Name, "cnn_predict_b256_samples_per_s", throughput, "samples/s");
    }
}
