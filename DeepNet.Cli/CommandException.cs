namespace DeepNet.Cli;

/// <summary>
/// A mistake in what the user asked for (wrong input count, a weights-only file given as a
/// model, an unknown extension): reported as one line on stderr, never with a stack trace.
/// </summary>
public sealed class CommandException : Exception
{
    public CommandException(string message) : base(message) { }
}
