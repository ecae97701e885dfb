#nullable enable
using System.IO.Compression;
using DeepNet.Backends;

namespace DeepNet.Numpy;

/// <summary>
/// Reads and writes numpy .npz archives: a zip file with one .npy member per array, as written
/// by <c>np.savez</c> (stored) and <c>np.savez_compressed</c> (deflated). Keys are member names
/// without the ".npy" suffix, as <c>np.load(...)</c> shows them; members not ending in ".npy"
/// are skipped. Keys are only dictionary keys: nothing is ever extracted to the file system.
/// </summary>
public static class Npz
{
    /// <summary>Deflate expands at most about 1032:1; a member declaring more is corrupt or hostile.</summary>
    private const long MaxDeflateRatio = 1100;

    // ---- reading -----------------------------------------------------------------------------

    /// <summary>Reads every array in an .npz file without converting elements.</summary>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Read(stream, path);
    }

    /// <summary>Reads every array in an .npz archive held in <paramref name="stream"/>; <paramref name="name"/> names it in errors.</summary>
    public static IReadOnlyDictionary<string, NpyArray> Read(Stream stream, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        name ??= (stream as FileStream)?.Name ?? "stream";
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            var arrays = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
            foreach (var entry in zip.Entries)
            {
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal)) continue;
                string key = entry.FullName[..^4];
                string source = $"{name} member '{entry.FullName}'";
                if (arrays.ContainsKey(key)) throw new NpyFormatException(source, "the archive holds this member twice");
                arrays.Add(key, ReadMember(entry, source));
            }
            return arrays;
        }
        catch (InvalidDataException e)
        {
            // Errors in a member's data are reported by ReadMember; what reaches here is the archive's directory.
            throw new NpyFormatException(name, $"not a valid .npz (zip) archive: {e.Message}", e);
        }
    }

    /// <summary>Reads one numeric array of an .npz file (one whose other members may be object arrays).</summary>
    public static NpyArray ReadArray(string path, string key) =>
        WithMember(path, key, (entry, source) => ReadMember(entry, source));

    /// <summary>
    /// The integer sequences of object array <paramref name="key"/> of an .npz file: the form
    /// numpy's allow_pickle writes for ragged data (keras.datasets' imdb.npz holds its reviews so).
    /// An explicit opt-in, as numpy's allow_pickle=True is, but safe: the pickle is read by
    /// <see cref="PickledSequences"/>, which runs nothing and accepts only numpy's array form.
    /// </summary>
    public static int[][] ReadIntSequences(string path, string key) =>
        WithMember(path, key, (entry, source) =>
        {
            if (entry.Length > entry.CompressedLength * MaxDeflateRatio + 1024)
                throw new NpyFormatException(source, $"declares {entry.Length} bytes from {entry.CompressedLength} compressed bytes, which is impossible");
            try
            {
                using var member = entry.Open();
                var (count, pickle) = NpyFormat.ReadObjectArray(member, entry.Length, source);
                return PickledSequences.Read(pickle, count, source);
            }
            catch (InvalidDataException e)
            {
                throw new NpyFormatException(source, $"corrupt zip data: {e.Message}", e);
            }
        });

    private static T WithMember<T>(string path, string key, Func<ZipArchiveEntry, string, T> read)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(key);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
            var entry = zip.GetEntry(key + ".npy")
                ?? throw new NpyFormatException(path, $"has no array '{key}' (it holds {string.Join(", ", zip.Entries.Select(e => e.FullName))})");
            return read(entry, $"{path} member '{entry.FullName}'");
        }
        catch (InvalidDataException e)
        {
            throw new NpyFormatException(path, $"not a valid .npz (zip) archive: {e.Message}", e);
        }
    }

    /// <summary>Reads every array in an .npz file into new tensors, which the caller disposes.</summary>
    public static IReadOnlyDictionary<string, Tensor> Load(string path, IBackend? backend = null)
    {
        var arrays = Read(path);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (key, array) in arrays) tensors.Add(key, array.ToTensor(backend));
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return tensors;
    }

    private static NpyArray ReadMember(ZipArchiveEntry entry, string source)
    {
        // entry.Length (from the archive's directory) bounds every allocation below, so it is
        // itself checked against what the compressed bytes could possibly expand to.
        if (entry.Length > entry.CompressedLength * MaxDeflateRatio + 1024)
            throw new NpyFormatException(source, $"declares {entry.Length} bytes from {entry.CompressedLength} compressed bytes, which is impossible");
        try
        {
            using var member = entry.Open();
            return NpyFormat.Read(member, entry.Length, source);
        }
        catch (InvalidDataException e)
        {
            throw new NpyFormatException(source, $"corrupt zip data: {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            throw new NpyFormatException(source, $"unsupported zip member: {e.Message}", e);
        }
    }

    // ---- writing -----------------------------------------------------------------------------

    /// <summary>
    /// Writes arrays to an .npz file (replacing it atomically), one "key.npy" member each:
    /// stored like <c>np.savez</c>, or deflated like <c>np.savez_compressed</c>.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compressed = false)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        var list = arrays.ToList();
        foreach (var (key, _) in list) CheckKey(key);
        AtomicFile.Write(path, stream => Write(stream, list, compressed));
    }

    /// <summary>Writes arrays as an .npz archive to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compressed = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(arrays);
        var list = arrays.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, array) in list)
        {
            CheckKey(key);
            ArgumentNullException.ThrowIfNull(array);
            if (!seen.Add(key)) throw new ArgumentException($"Npz.Write: the key '{key}' appears twice.", nameof(arrays));
        }
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (key, array) in list)
        {
            var entry = zip.CreateEntry(key + ".npy", compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            using var member = entry.Open();
            NpyFormat.Write(member, array);
        }
    }

    /// <summary>Writes tensors to an .npz file, each as <c>&lt;f4</c>, <c>&lt;i4</c> or <c>&lt;i8</c> by its type.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, bool compressed = false)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var arrays = new List<KeyValuePair<string, NpyArray>>();
        foreach (var (key, tensor) in tensors) arrays.Add(new(key, NpyArray.FromTensor(tensor)));
        Write(path, arrays, compressed);
    }

    /// <summary>
    /// Keys become zip member names, so only plain names are accepted: no folders ('/' or '\'),
    /// no "." or "..", no control characters — nothing an unzip tool could place outside its folder.
    /// </summary>
    private static void CheckKey(string key)
    {
        if (string.IsNullOrEmpty(key) || key is "." or ".." || key.AsSpan().IndexOfAny('/', '\\') >= 0 || key.Any(char.IsControl))
            throw new ArgumentException($"Npz: '{key}' cannot be an array name; use a plain name without '/', '\\', control characters, '.' or '..'.", nameof(key));
    }
}
