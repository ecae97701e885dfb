using DeepNet.Keras.Saving;
using Newtonsoft.Json;

namespace DeepNet.Cli;

/// <summary>
/// Runs a command's work and turns failures into exit codes: problems with the user's files or
/// arguments print one "deepnet CMD: error: …" line (exit 1); anything else is a bug in the
/// tool and prints the full exception (exit 70, EX_SOFTWARE).
/// </summary>
internal static class CommandRunner
{
    public const int UserError = 1;
    public const int InternalError = 70;

    public static int Run(string command, TextWriter error, Func<int> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (IsUserError(e))
        {
            error.WriteLine($"deepnet {command}: error: {e.Message}");
            return UserError;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"deepnet {command}: internal error, please report it: {e}");
            return InternalError;
        }
    }

    // Keras file and layer errors, missing or unreadable files, bad .npy data, shape checks
    // (ShapeMismatchException is an ArgumentException), and an unavailable backend.
    private static bool IsUserError(Exception e) =>
        e is CommandException or KerasFileException or IOException or UnauthorizedAccessException
            or ArgumentException or InvalidOperationException or NotSupportedException or JsonException;
}
