using System.Diagnostics;

namespace DeepNet.Tests.Keras.Saving;

/// <summary>
/// Runs small h5py scripts (Debian's python3-h5py: what Python Keras reads and writes files
/// with), skipping the calling test, with the reason, where no python with h5py is installed.
/// </summary>
internal static class H5Py
{
    private static readonly Lazy<string?> s_python = new(() =>
    {
        // Debian's /usr/bin/python3 first: pyenv shims often lack h5py.
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                if (Run(candidate, "-c \"import h5py, numpy\"").Code == 0) return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed
            }
        }
        return null;
    });

    /// <summary>Runs <paramref name="script"/> with <paramref name="args"/>; asserts it succeeded and returns its stdout.</summary>
    public static string RunScript(string directory, string script, params string[] args)
    {
        string path = Path.Combine(directory, $"script_{Guid.NewGuid():N}.py");
        File.WriteAllText(path, script);
        return RunFile(path, args);
    }

    /// <summary>Runs the python file <paramref name="scriptPath"/> with <paramref name="args"/>; asserts it succeeded and returns its stdout.</summary>
    public static string RunFile(string scriptPath, params string[] args)
    {
        var python = s_python.Value;
        if (python is null) Assert.Ignore("No python with h5py and numpy found (install python3-h5py); this h5py check is skipped.");
        var (code, stdout, stderr) = Run(python!, string.Join(' ', new[] { scriptPath }.Concat(args).Select(a => $"\"{a}\"")));
        Assert.That(code, Is.EqualTo(0), $"the h5py script {Path.GetFileName(scriptPath)} failed: {stderr}");
        return stdout;
    }

    private static (int Code, string Stdout, string Stderr) Run(string exe, string arguments)
    {
        var info = new ProcessStartInfo(exe, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill();
            throw new TimeoutException($"{exe} {arguments} did not finish in 60 s.");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
