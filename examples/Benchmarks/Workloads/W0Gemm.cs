using System.Diagnostics;
using DeepNet.Backends.Cpu;

namespace DeepNet.Benchmarks.Workloads;

/// <summary>
/// W0: square float32 GEMM C = A·B for n = 256 … 4096, A and B U[0,1), C preallocated. One warm-up
/// call; each repetition runs max(1, ⌊0.25 s / t_warmup⌋) calls; GFLOP/s = 2n³ · calls / time. A size
/// is skipped (and the sweep stops) when the previous size's call × 8 exceeds 8 s.
/// </summary>
internal sealed class W0Gemm : IWorkload
{
    private static readonly int[] Sizes = [256, 512, 1024, 2048, 4096];

    public string Name => "W0";

    public string Description => "GEMM, square n = 256..4096 (gemm_n<N>_gflops)";

    public void Run(BenchOptions options, Report report)
    {
        using var backend = new CpuBackend(threads: options.Threads);
        var rng = new Random(options.Seed);
        double previous = -1;  // seconds per call at the previous size
        foreach (int n in Sizes)
        {
            if (previous > 0 && previous * 8 > 8.0)
            {
                report.Info($"W0 n={n} skipped: estimated {previous * 8:F0}s per call");
                break;
            }
            var shape = new Shape(n, n);
            using var a = Tensor.FromArray(RandomUniform(rng, n * n), shape, backend);
            using var b = Tensor.FromArray(RandomUniform(rng, n * n), shape, backend);
            using var c = Tensor.Empty(shape, DType.Float32, backend);

            var watch = Stopwatch.StartNew();
            backend.Gemm(a, b, c);  // warm-up call, also used to size a repetition
            double warmup = watch.Elapsed.TotalSeconds;
            backend.Gemm(a, b, c);
            previous = warmup;
            int calls = Math.Max(1, (int)(0.25 / Math.Max(warmup, 1e-6)));
            double flop = 2.0 * n * n * n;
            var values = new List<double>(options.Reps);
            for (int r = 0; r < options.Reps; r++)
            {
                watch.Restart();
                for (int i = 0; i < calls; i++) backend.Gemm(a, b, c);
                values.Add(flop * calls / watch.Elapsed.TotalSeconds / 1e9);
            }
            report.Emit(Name, $"gemm_n{n}_gflops", values, "GFLOP/s");
        }
    }

    private static float[] RandomUniform(Random rng, int count)
    {
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = rng.NextSingle();
        return data;
    }
}
