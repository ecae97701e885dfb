#nullable enable
namespace DeepNet.Numpy;

/// <summary>
/// Thrown when a .npy or .npz file is malformed or uses a feature DeepNet does not read
/// (Fortran order, structured dtypes, ...). The message starts with the file (and, inside an
/// .npz, the member) so the caller knows which input is bad, then says what is wrong.
/// </summary>
public sealed class NpyFormatException : IOException
{
    public NpyFormatException(string source, string detail, Exception? inner = null)
        : base($"{source}: {detail}", inner)
    {
        FileName = source;
        Detail = detail;
    }

    /// <summary>The file (or "archive.npz member 'x.npy'") that was being read or written.</summary>
    public string FileName { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Detail { get; }
}
