namespace DeepNet.Benchmarks;

/// <summary>
/// One benchmark workload of the peer suite (W0 GEMM, W1 MLP training, ...). Each lives in its own
/// file under Workloads/ and is listed once in <see cref="Program"/>; it prints RESULT lines through
/// <see cref="Report"/> with the same metric names as the peer programs.
/// </summary>
internal interface IWorkload
{
    /// <summary>The suite's name for it: "W0", "W1", ...</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Description { get; }

    void Run(BenchOptions options, Report report);
}
