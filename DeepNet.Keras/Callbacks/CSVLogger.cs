using DeepNet.Keras.Utils;

namespace DeepNet.Keras.Callbacks;

/// <summary>
/// Streams epoch results to a CSV file (Keras <c>CSVLogger</c>): columns <c>epoch</c> (0-based)
/// then the sorted log keys; when no <c>val_</c> key shows in the first epoch, <c>val_</c> columns
/// are added for every key; missing values are written <c>NA</c>; rows end with \r\n as Python's
/// csv module writes. Keras defaults: separator=",", append=False.
/// </summary>
public sealed class CSVLogger : Callback
{
    private StreamWriter? _writer;
    private List<string>? _keys;
    private bool _writeHeader;

    public CSVLogger(string filename, string separator = ",", bool append = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(filename);
        Filename = filename;
        Separator = separator;
        Append = append;
    }

    public string Filename { get; }

    public string Separator { get; }

    public bool Append { get; }

    public override void OnTrainBegin(IDictionary<string, double>? logs = null)
    {
        _writeHeader = true;
        if (Append && File.Exists(Filename)) _writeHeader = new FileInfo(Filename).Length == 0;
        var dir = Path.GetDirectoryName(Path.GetFullPath(Filename));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        _writer = new StreamWriter(Filename, Append) { NewLine = "\r\n" };
        _keys = null;
    }

    public override void OnEpochEnd(int epoch, IDictionary<string, double>? logs = null)
    {
        if (_writer is null) return;
        logs ??= new Dictionary<string, double>();
        if (_keys is null)
        {
            _keys = logs.Keys.Order(StringComparer.Ordinal).ToList();
            if (!_keys.Any(k => k.StartsWith("val_", StringComparison.Ordinal))) _keys.AddRange(_keys.Select(k => "val_" + k).ToList());
        }
        if (_writeHeader)
        {
            _writer.WriteLine(string.Join(Separator, new[] { "epoch" }.Concat(_keys)));
            _writeHeader = false;
        }
        var row = new List<string> { epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var k in _keys) row.Add(logs.TryGetValue(k, out double v) ? PythonFormat.Repr(v) : "NA");
        _writer.WriteLine(string.Join(Separator, row));
        _writer.Flush();
    }

    public override void OnTrainEnd(IDictionary<string, double>? logs = null)
    {
        _writer?.Dispose();
        _writer = null;
    }
}
