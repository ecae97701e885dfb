namespace DeepNet.GpuRunner;

/// <summary>What one run of the tests gave: counts, one line per failure, and the reasons for skips.</summary>
internal sealed record TestSummary(int Passed, int Failed, int Skipped, IReadOnlyList<string> Failures, IReadOnlyDictionary<string, int> SkipReasons, TimeSpan Elapsed)
{
    /// <summary>The closing line: <c>N passed, N failed, N skipped</c>.</summary>
    public string CountsLine => $"{Passed} passed, {Failed} failed, {Skipped} skipped";

    /// <summary>A run passes when something ran and nothing failed.</summary>
    public bool Succeeded => Failed == 0 && Passed + Skipped > 0;
}
