using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace DeepNet.GpuRunner;

/// <summary>The outcome of one example run: its exit code, wall time and the lines worth reporting.</summary>
internal sealed record ExampleResult(string Name, string Arguments, int ExitCode, TimeSpan Wall, IReadOnlyList<string> Lines, string? Error)
{
    public bool Succeeded => ExitCode == 0 && Error is null;
}

/// <summary>
/// Runs an example program in this process by calling its entry point (the example assemblies are
/// bundled beside this one), with the console copied so its backend, epoch and final lines can be reported.
/// </summary>
internal static partial class ExampleRun
{
    /// <summary>The examples that train a model, run for one epoch by the examples mode.</summary>
    public static readonly string[] Trained = ["MnistMlp", "MnistCnn", "MnistLstm"];

    /// <summary>Every example bundled with the runner.</summary>
    public static readonly string[] Bundled = [.. Trained, "Benchmarks"];

    /// <summary>The arguments that train <paramref name="name"/> for a few epochs on <paramref name="backend"/>.</summary>
    public static string[] TrainingArguments(string backend, int epochs, string mnistFolder, int seed) =>
        ["--backend", backend, "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
         "--data", mnistFolder, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    public static ExampleResult Run(string name, string[] arguments)
    {
        string shown = string.Join(' ', arguments);
        var entry = EntryPoint(name);
        var output = Console.Out;
        var errors = Console.Error;
        var copy = new TeeWriter(output);
        var errorCopy = new TeeWriter(errors);
        Console.SetOut(copy);
        Console.SetError(errorCopy);
        var clock = Stopwatch.StartNew();
        int exitCode;
        string? error = null;
        try
        {
            object?[] parameters = entry.GetParameters().Length == 0 ? [] : [arguments];
            exitCode = entry.Invoke(null, parameters) switch
            {
                int code => code,
                Task<int> task => task.GetAwaiter().GetResult(),
                Task task => Await(task),
                _ => 0,
            };
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            exitCode = 1;
            error = $"{e.InnerException.GetType().Name}: {e.InnerException.Message}";
        }
        finally
        {
            Console.Out.Flush();
            Console.SetOut(output);
            Console.SetError(errors);
        }
        var wall = clock.Elapsed;
        var lines = Interesting(copy.Captured, errorCopy.Captured);
        return new ExampleResult(name, shown, exitCode, wall, lines, error);
    }

    private static int Await(Task task)
    {
        task.GetAwaiter().GetResult();
        return 0;
    }

    private static MethodInfo EntryPoint(string name)
    {
        if (!Bundled.Contains(name, StringComparer.Ordinal))
            throw new ArgumentException($"unknown example '{name}'; the runner bundles {string.Join(", ", Bundled)}.", nameof(name));
        var assembly = Assembly.Load(new AssemblyName(name));
        return assembly.EntryPoint ?? throw new InvalidOperationException($"{name} has no entry point.");
    }

    /// <summary>
    /// The lines a report needs: the backend line that Fit prints, each finished progress bar (one per
    /// epoch, with its time), the RESULT lines of the benchmark, the last line printed, and any error output.
    /// </summary>
    private static List<string> Interesting(string output, string errors)
    {
        var lines = Lines(output);
        var kept = lines.Where(l => l.StartsWith("Backend:", StringComparison.Ordinal) || l.Contains("/step", StringComparison.Ordinal)
            || l.StartsWith("RESULT", StringComparison.Ordinal)).ToList();
        if (lines.Count > 0 && !kept.Contains(lines[^1])) kept.Add(lines[^1]);
        // An unhandled exception's message is enough; its stack frames stay on the console.
        kept.AddRange(Lines(errors).Where(l => !l.TrimStart().StartsWith("at ", StringComparison.Ordinal)).Select(l => "stderr: " + l));
        return kept;
    }

    // A progress bar redrawn with '\r' leaves only its last drawing; its colours stay on the terminal.
    private static List<string> Lines(string text) =>
        Colours().Replace(text, "").Split('\n').Select(l => l.TrimEnd('\r')).Select(l => l[(l.LastIndexOf('\r') + 1)..].TrimEnd())
            .Where(l => l.Length > 0).ToList();

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Colours();
}
