using DeepNet.Benchmarks;
using DeepNet.Benchmarks.Workloads;

// DeepNet's side of the peer benchmark suite (bench/peers/README.md):
//   dotnet run -c Release --project examples/Benchmarks -- [W0 W1 ...] [--reps N] [--threads N]
// With no workload named, runs every workload. Prints RESULT lines for summarize.py.

IWorkload[] known = [new W0Gemm(), new W2CnnTrain(), new W4CnnPredict(), new W3LstmTrain()];

var options = new BenchOptions();
var selected = new List<IWorkload>();
for (int i = 0; i < args.Length; i++)
{
    string arg = args[i];
    if (arg is "--reps" or "--threads")
    {
        if (i + 1 >= args.Length || !int.TryParse(args[i + 1], out int value) || value < 1)
            return Fail($"{arg} needs a positive integer.");
        options = arg == "--reps" ? options with { Reps = value } : options with { Threads = value };
        i++;
        continue;
    }
    if (arg is "-h" or "--help")
    {
        Usage(Console.Out);
        return 0;
    }
    var workload = Array.Find(known, w => string.Equals(w.Name, arg, StringComparison.OrdinalIgnoreCase));
    if (workload is null)
        return Fail($"unknown workload or option '{arg}'. Known workloads: {string.Join(", ", known.Select(w => w.Name))}.");
    if (!selected.Contains(workload)) selected.Add(workload);
}
if (selected.Count == 0) selected.AddRange(known);

var report = new Report("deepnet-cpu", Console.Out);
report.Info($"cpu: {MachineInfo.CpuModel()}, {Environment.ProcessorCount} cpus, SIMD {MachineInfo.SimdWidth()}; " +
    $"DeepNet CPU backend, {options.Threads} threads; .NET {Environment.Version}");
foreach (var workload in selected)
{
    report.Info($"{workload.Name}: {workload.Description}");
    workload.Run(options, report);
}
return 0;

static int Fail(string message)
{
    Console.Error.WriteLine("Benchmarks: " + message);
    Usage(Console.Error);
    return 2;
}

static void Usage(TextWriter writer)
{
    writer.WriteLine("usage: Benchmarks [W0 W1 ...] [--reps N] [--threads N]   (no workload: all of them)");
}
