using System.Text.RegularExpressions;
using NUnit.Framework.Interfaces;

namespace DeepNet.GpuRunner;

/// <summary>
/// Listens to NUnit's events: counts the test cases by outcome, prints each failure as it happens
/// (one line: the test and its message), and groups the skip reasons so that a suite ignored for one
/// cause ("no CUDA device: …") reads as one line, not hundreds.
/// </summary>
internal sealed partial class ResultCollector(TextWriter log) : ITestListener
{
    private readonly Lock _gate = new();
    private readonly List<string> _failures = [];
    private readonly Dictionary<string, int> _skipReasons = [];
    private int _passed, _failed, _skipped;

    public void TestStarted(ITest test) { }

    public void TestOutput(TestOutput output) { }

    public void SendMessage(TestMessage message) { }

    public void TestFinished(ITestResult result)
    {
        var state = result.ResultState;
        lock (_gate)
        {
            if (result.Test.IsSuite)
            {
                // A fixture's failed one-time setup reaches every child as its own result; only a
                // failing one-time teardown (after children that passed) needs its own line.
                if (state.Status == TestStatus.Failed && state.Site == FailureSite.TearDown) Fail(result);
                return;
            }
            switch (state.Status)
            {
                case TestStatus.Passed:
                case TestStatus.Warning:
                    _passed++;
                    break;
                case TestStatus.Failed:
                    Fail(result);
                    break;
                default: // Skipped (ignored, explicit) and Inconclusive
                    _skipped++;
                    string reason = OneLine(result.Message);
                    if (reason.Length == 0) reason = state.Label.Length > 0 ? state.Label : state.Status.ToString();
                    _skipReasons[reason] = _skipReasons.GetValueOrDefault(reason) + 1;
                    break;
            }
        }
    }

    /// <summary>The counts and lines gathered so far.</summary>
    public TestSummary Summary(TimeSpan elapsed)
    {
        lock (_gate) return new TestSummary(_passed, _failed, _skipped, [.. _failures], new Dictionary<string, int>(_skipReasons), elapsed);
    }

    private void Fail(ITestResult result)
    {
        _failed++;
        string label = result.ResultState.Label.Length > 0 ? $"{result.ResultState.Status}:{result.ResultState.Label}" : result.ResultState.Status.ToString();
        string line = $"FAIL {result.FullName} [{label}]: {OneLine(result.Message)}";
        if (result.ResultState.Label == "Error" && FirstFrame(result.StackTrace) is { } frame) line += $" ({frame})";
        _failures.Add(line);
        log.WriteLine(line);
    }

    private static string OneLine(string? text) => text is null ? "" : Whitespace().Replace(text, " ").Trim();

    // The innermost frame of an unexpected exception, so that one line says where it was thrown.
    private static string? FirstFrame(string? stackTrace) =>
        stackTrace?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
