#nullable enable
using DeepNet.Backends;

namespace DeepNet.Numpy;

/// <summary>
/// Reads and writes numpy .npy files, so data moves between a Python script and DeepNet:
/// <code>
/// using var x = Npy.Load("x_test.npy");             // np.save("x_test.npy", x) in Python
/// Npy.Save("predictions.npy", model.Predict(x));    // np.load("predictions.npy") in Python
/// var raw = Npy.Read("labels.npy");                 // unconverted: raw.Descr == "|u1", raw.ToInt32()
/// </code>
/// Reading accepts format versions 1.0, 2.0 and 3.0, C order, dtypes
/// <c>&lt;f4 &lt;f8 |i1 &lt;i2 &lt;i4 &lt;i8 |u1 &lt;u2 &lt;u4 &lt;u8 |b1</c> and their big-endian forms.
/// <see cref="Load(string, IBackend?)"/> maps them to tensor types as described at
/// <see cref="NpyArray.TensorDType"/> (notably float64 becomes float32, and uint8 pixels and bool
/// masks become float32). Writing produces format 1.0 (2.0 if the header needs it), C order,
/// and replaces the target file atomically. Malformed files throw <see cref="NpyFormatException"/>.
/// </summary>
public static class Npy
{
    // ---- reading -----------------------------------------------------------------------------

    /// <summary>Reads the array in a .npy file without converting its elements.</summary>
    public static NpyArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return NpyFormat.Read(stream, stream.Length, path);
    }

    /// <summary>
    /// Reads one array from the current position of <paramref name="stream"/>;
    /// <paramref name="name"/> names it in error messages. A stream that cannot seek is first
    /// copied to memory, so that the sizes in the header can be checked against its length.
    /// </summary>
    public static NpyArray Read(Stream stream, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        name ??= (stream as FileStream)?.Name ?? "stream";
        if (stream.CanSeek) return NpyFormat.Read(stream, Math.Max(0, stream.Length - stream.Position), name);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return NpyFormat.Read(copy, copy.Length, name);
    }

    /// <summary>Reads a .npy file into a new tensor (types as in <see cref="NpyArray.TensorDType"/>).</summary>
    public static Tensor Load(string path, IBackend? backend = null) => Read(path).ToTensor(backend);

    /// <summary>Reads one .npy array from a stream into a new tensor.</summary>
    public static Tensor Load(Stream stream, IBackend? backend = null) => Read(stream).ToTensor(backend);

    // ---- writing -----------------------------------------------------------------------------

    /// <summary>Writes <paramref name="array"/> to a .npy file, replacing it atomically.</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        AtomicFile.Write(path, stream => NpyFormat.Write(stream, array));
    }

    /// <summary>Writes <paramref name="array"/> in .npy format at the current position of <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        NpyFormat.Write(stream, array);
    }

    /// <summary>Writes a tensor as <c>&lt;f4</c>, <c>&lt;i4</c> or <c>&lt;i8</c> (by its type) to a .npy file.</summary>
    public static void Save(string path, Tensor tensor) => Write(path, NpyArray.FromTensor(tensor));

    /// <summary>Writes a tensor in .npy format to a stream.</summary>
    public static void Save(Stream stream, Tensor tensor) => Write(stream, NpyArray.FromTensor(tensor));

    /// <summary>
    /// Writes host data (float, double, int, long, byte, bool, ...) with the given shape (1-D by
    /// default) to a .npy file; the dtype follows the element type (float → <c>&lt;f4</c>, byte → <c>|u1</c>, ...).
    /// </summary>
    public static void Save<T>(string path, T[] data, Shape? shape = null) where T : unmanaged =>
        Write(path, NpyArray.Create(data, shape));
}
