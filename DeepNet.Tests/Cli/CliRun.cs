using DeepNet.Cli;

namespace DeepNet.Tests.Cli;

/// <summary>Runs the deepnet tool in-process and captures its exit code, stdout and stderr.</summary>
internal static class CliRun
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
    }

    public static Result Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs the tool and asserts it succeeded (exit code 0), showing stdout and stderr otherwise.</summary>
    public static Result RunOk(params string[] args)
    {
        var result = Run(args);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        return result;
    }

    /// <summary>Asserts a failure reported the way users see it: exit code ≠ 0, a message on stderr, no stack trace.</summary>
    public static void AssertUserError(Result result, params string[] messageParts)
    {
        Assert.That(result.ExitCode, Is.Not.EqualTo(0), result.ToString());
        Assert.That(result.Error, Is.Not.Empty, result.ToString());
        Assert.That(result.Error, Does.Not.Contain("   at "), "no stack trace for a user error");
        foreach (var part in messageParts) Assert.That(result.Error, Does.Contain(part), result.ToString());
    }
}

/// <summary>A fresh temporary folder, deleted with its contents on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "deepnet-cli-tests-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
