using System.Diagnostics;
using DeepNet.Backends;
using DeepNet.Backends.Cpu;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;

namespace DeepNet.Benchmarks.Workloads;

/// <summary>
/// W3: training steps of Keras's imdb_lstm without dropout (Embedding 20000×128 → LSTM 128, last
/// output → Dense 1 sigmoid; binary cross-entropy, Adam at Keras's defaults) on random token ids,
/// batch 32, sequence length 80. A pool of 8 batches is cycled. Warm-up ≥ 10 steps and ≥ 3 s;
/// each repetition times 60 steps; samples/s = 32 · 60 / time.
/// </summary>
internal sealed class W3LstmTrain : IWorkload
{
    private const int Batch = 32;
    private const int Length = 80;
    private const int Vocabulary = 20000;
    private const int Steps = 60;
    private const int Pool = 8;

    public string Name => "W3";

    public string Description => "imdb_lstm training (no dropout), batch 32, length 80, Adam (lstm_train_samples_per_s)";

    public void Run(BenchOptions options, Report report)
    {
        Backend.Use(new CpuBackend(threads: options.Threads));
        var rng = new Random(options.Seed);
        var model = new Sequential();
        model.Add(new Embedding(Vocabulary, 128) { InputShape = [Length] });
        model.Add(new LSTM(128));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile(loss: "binary_crossentropy", optimizer: new Adam());

        var xs = new Tensor[Pool];
        var ys = new Tensor[Pool];
        for (int p = 0; p < Pool; p++)
        {
            var ids = new long[Batch * Length];
            for (int i = 0; i < ids.Length; i++) ids[i] = rng.Next(Vocabulary);
            var labels = new float[Batch];
            for (int i = 0; i < Batch; i++) labels[i] = rng.Next(2);
            xs[p] = Tensor.FromArray(ids, new Shape(Batch, Length));
            ys[p] = Tensor.FromArray(labels, new Shape(Batch, 1));
        }

        int step = 0;
        void TrainStep()
        {
            model.TrainOnBatch(xs[step % Pool], ys[step % Pool]);
            step++;
        }

        var watch = Stopwatch.StartNew();
        int warm = 0;
        while (warm < 10 || watch.Elapsed.TotalSeconds < 3)
        {
            TrainStep();
            warm++;
        }
        var values = new List<double>(options.Reps);
        for (int r = 0; r < options.Reps; r++)
        {
            watch.Restart();
            for (int i = 0; i < Steps; i++) TrainStep();
            values.Add(Batch * Steps / watch.Elapsed.TotalSeconds);
        }
        report.Emit(Name, "lstm_train_samples_per_s", values, "samples/s");
    }
}
