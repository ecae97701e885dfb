using System.Diagnostics;
using NUnit;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace DeepNet.GpuRunner;

/// <summary>Runs DeepNet.Tests in this process through NUnit's own runner API (no test host, no SDK).</summary>
internal static class TestRun
{
    /// <summary>Runs the selected tests; failures are printed to <paramref name="log"/> as they happen.</summary>
    public static TestSummary Run(TestSelection selection, int? workers, TextWriter log)
    {
        var runner = Load(workers);
        var filter = TestFilter.FromXml(selection.ToXml());
        log.WriteLine($"Running {runner.CountTestCases(filter)} tests of DeepNet.Tests ({selection}).");
        var collector = new ResultCollector(log);
        var clock = Stopwatch.StartNew();
        runner.Run(collector, filter);
        return collector.Summary(clock.Elapsed);
    }

    /// <summary>The full names of the selected test cases, without running them.</summary>
    public static IReadOnlyList<string> List(TestSelection selection)
    {
        var runner = Load(workers: null);
        var names = new List<string>();
        Collect(runner.ExploreTests(TestFilter.FromXml(selection.ToXml())), names);
        return names;
    }

    private static NUnitTestAssemblyRunner Load(int? workers)
    {
        var settings = new Dictionary<string, object>
        {
            [FrameworkPackageSettings.WorkDirectory] = Directory.GetCurrentDirectory(),
        };
        if (workers is int n) settings[FrameworkPackageSettings.NumberOfTestWorkers] = n;
        var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
        var loaded = runner.Load(typeof(DeepNet.Tests.TestPaths).Assembly, settings);
        if (loaded.RunState == RunState.NotRunnable)
            throw new InvalidOperationException($"NUnit could not load DeepNet.Tests: {loaded.Properties.Get(PropertyNames.SkipReason)}");
        return runner;
    }

    private static void Collect(ITest test, List<string> names)
    {
        if (!test.IsSuite)
        {
            names.Add(test.FullName);
            return;
        }
        foreach (var child in test.Tests) Collect(child, names);
    }
}
