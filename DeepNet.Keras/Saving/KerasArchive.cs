using System.IO.Compression;
using System.Text;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Saving;

/// <summary>
/// The <c>.keras</c> zip (keras-compat §2.3): <c>metadata.json</c>, <c>config.json</c>,
/// <c>model.weights.h5</c>. Entries are read into memory with size limits (never extracted to
/// disk); an entry whose name could escape the archive's folder makes the whole file invalid.
/// </summary>
internal static class KerasArchive
{
    public const string ConfigEntry = "config.json";
    public const string MetadataEntry = "metadata.json";
    public const string WeightsEntry = "model.weights.h5";

    /// <summary>Largest JSON member accepted.</summary>
    private const long MaxJsonBytes = 64L << 20;

    /// <summary>Largest weights member accepted (one in-memory array).</summary>
    private const long MaxWeightsBytes = int.MaxValue - 64;

    /// <summary>The three members, read and checked.</summary>
    public sealed record Contents(JObject Config, JObject? Metadata, byte[] Weights);

    public static Contents Read(string path, bool needConfig = true)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
            foreach (var entry in zip.Entries) CheckName(entry.FullName, path);
            var configEntry = zip.GetEntry(ConfigEntry);
            var weightsEntry = zip.GetEntry(WeightsEntry)
                ?? throw new KerasFileException($"{path}: the archive has no {WeightsEntry} (entries: {string.Join(", ", zip.Entries.Select(e => e.FullName))}).") { FilePath = path };
            JObject config = new();
            if (configEntry is not null)
                config = KerasSerializer.ParseJson(Encoding.UTF8.GetString(ReadEntry(configEntry, MaxJsonBytes, path, stream.Length)), $"{path}:{ConfigEntry}");
            else if (needConfig)
                throw new KerasFileException($"{path}: the archive has no {ConfigEntry}.") { FilePath = path };
            JObject? metadata = null;
            if (zip.GetEntry(MetadataEntry) is { } metaEntry)
                metadata = KerasSerializer.ParseJson(Encoding.UTF8.GetString(ReadEntry(metaEntry, MaxJsonBytes, path, stream.Length)), $"{path}:{MetadataEntry}");
            var weights = ReadEntry(weightsEntry, MaxWeightsBytes, path, stream.Length);
            return new Contents(config, metadata, weights);
        }
        catch (InvalidDataException e)
        {
            throw new KerasFileException($"{path}: not a readable .keras (zip) archive: {e.Message}", e) { FilePath = path };
        }
    }

    /// <summary>Rejects entry names that are absolute or climb out of the archive's folder.</summary>
    private static void CheckName(string name, string path)
    {
        string normalized = name.Replace('\\', '/');
        if (normalized.StartsWith('/') || (normalized.Length >= 2 && normalized[1] == ':') || normalized.Split('/').Contains("..") || normalized.Contains('\0'))
            throw new KerasFileException($"{path}: archive entry '{name}' would escape the archive's folder; the file is rejected.") { FilePath = path };
    }

    /// <summary>
    /// Reads one entry fully into memory. Its declared size is checked against the limit before
    /// anything is allocated, and the bytes actually inflated are counted too (a lying header or
    /// a zip bomb stops at the limit).
    /// </summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, long limit, string path, long archiveLength)
    {
        if (entry.Length > limit)
            throw new KerasFileException($"{path}: archive entry {entry.FullName} declares {entry.Length} bytes, over the limit of {limit}.") { FilePath = path };
        if (entry.CompressedLength > archiveLength)
            throw new KerasFileException($"{path}: archive entry {entry.FullName} claims {entry.CompressedLength} compressed bytes in a {archiveLength}-byte file.") { FilePath = path };
        var buffer = new byte[entry.Length];
        using var s = entry.Open();
        int read = 0;
        while (read < buffer.Length)
        {
            int n = s.Read(buffer, read, buffer.Length - read);
            if (n == 0) throw new KerasFileException($"{path}: archive entry {entry.FullName} ends after {read} of {buffer.Length} bytes.") { FilePath = path };
            read += n;
        }
        if (s.ReadByte() >= 0) throw new KerasFileException($"{path}: archive entry {entry.FullName} holds more bytes than its header says.") { FilePath = path };
        return buffer;
    }

    /// <summary>Writes the archive (stored, no compression, in Keras's member order).</summary>
    public static void Write(Stream stream, JObject config, byte[] weights)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var metadata = new JObject
        {
            ["keras_version"] = KerasSerializer.KerasVersion,
            ["date_saved"] = DateTime.Now.ToString("yyyy-MM-dd@HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
        };
        AddEntry(zip, MetadataEntry, Encoding.UTF8.GetBytes(metadata.ToString(Newtonsoft.Json.Formatting.None)));
        AddEntry(zip, ConfigEntry, Encoding.UTF8.GetBytes(config.ToString(Newtonsoft.Json.Formatting.None)));
        AddEntry(zip, WeightsEntry, weights);
    }

    private static void AddEntry(ZipArchive zip, string name, byte[] data)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var s = entry.Open();
        s.Write(data);
    }
}
