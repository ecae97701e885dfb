using System.Globalization;
using System.Runtime.InteropServices;

namespace DeepNet.GpuRunner;

/// <summary>The compact text report of a run: the machine, the test counts and failures, and the examples' lines.</summary>
internal sealed class RunReport
{
    private readonly List<string> _lines = [];

    public RunReport()
    {
        _lines.Add($"DeepNet GPU runner report, {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
        _lines.Add($"machine: {Environment.MachineName}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cpus, .NET {Environment.Version}");
        _lines.Add($"device: {DeviceDescription()}");
    }

    public void Add(TestSelection selection, TestSummary summary)
    {
        _lines.Add("");
        _lines.Add($"== tests: {selection} ({summary.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s)");
        _lines.AddRange(summary.Failures);
        foreach (var (reason, count) in summary.SkipReasons.OrderByDescending(r => r.Value))
            _lines.Add($"SKIP x{count}: {reason}");
        _lines.Add(summary.CountsLine);
    }

    public void Add(ExampleResult result)
    {
        _lines.Add("");
        string outcome = result.Succeeded ? "ok" : $"FAILED (exit {result.ExitCode})";
        _lines.Add($"== example {result.Name} {result.Arguments}: {outcome}, {result.Wall.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        _lines.AddRange(result.Lines);
        if (result.Error is not null) _lines.Add("error: " + result.Error);
    }

    public void AddLine(string line) => _lines.Add(line);

    public void WriteTo(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllLines(path, _lines);
    }

    // Asking the CUDA factory is cheap and never throws; its answer says why when there is no device.
    private static string DeviceDescription() =>
        DeepNet.Cuda.CudaBackendFactory.TryCreate(out var backend, out string? why)
            ? Describe(backend!)
            : $"no CUDA device: {why}";

    private static string Describe(DeepNet.Backends.IBackend backend)
    {
        string text = $"{backend.Name} ({backend.DeviceDescription})";
        (backend as IDisposable)?.Dispose();
        return text;
    }
}
