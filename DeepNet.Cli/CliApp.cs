using System.CommandLine;

namespace DeepNet.Cli;

/// <summary>
/// The <c>deepnet</c> root command and its sub-commands. <see cref="Run"/> is the whole
/// program with its streams passed in, so tests drive the tool in-process.
/// </summary>
public static class CliApp
{
    public static RootCommand CreateRootCommand() =>
        new("deepnet: summarise, run, convert and inspect Keras model files (.h5, .keras, .json + weights).")
        {
            SummaryCommand.Create(),
            PredictCommand.Create(),
            ConvertCommand.Create(),
            InspectCommand.Create(),
        };

    /// <summary>Parses <paramref name="args"/> and runs the command; returns the exit code (0 on success).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        return CreateRootCommand().Parse(args).Invoke(configuration);
    }
}
