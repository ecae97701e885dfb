namespace DeepNet.Benchmarks;

/// <summary>Settings shared by every workload; the defaults mirror the peer suite.</summary>
internal sealed record BenchOptions
{
    /// <summary>Timed repetitions per measurement.</summary>
    public int Reps { get; init; } = 5;

    /// <summary>Worker threads (the suite compares everything at 2).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Seed of the synthetic data.</summary>
    public int Seed { get; init; } = 1234;
}
