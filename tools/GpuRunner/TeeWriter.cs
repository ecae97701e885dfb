using System.Text;

namespace DeepNet.GpuRunner;

/// <summary>Writes everything to the console as usual and keeps a copy for the report.</summary>
internal sealed class TeeWriter(TextWriter primary) : TextWriter
{
    private readonly StringBuilder _copy = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => primary.Encoding;

    /// <summary>The text written so far.</summary>
    public string Captured
    {
        get { lock (_gate) return _copy.ToString(); }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            primary.Write(value);
            _copy.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            primary.Write(value);
            _copy.Append(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate)
        {
            primary.Write(buffer, index, count);
            _copy.Append(buffer, index, count);
        }
    }

    public override void Flush() => primary.Flush();
}
