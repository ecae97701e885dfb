using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace DeepNet.Keras.Training;

/// <summary>
/// Keras 3's progress bar (keras/src/utils/progbar.py). verbose=1: a bar of 20 <c>━</c> (done
/// part green), the step count in bold, ETA while running and elapsed time at the end, time per
/// step, then <c>key: value</c> pairs; redrawn in place with <c>\r</c> on a terminal, printed once
/// at the end when the output is redirected. verbose=2: one plain line at the end.
/// </summary>
public sealed class Progbar
{
    private const int Width = 20;
    private const double Interval = 0.05;
    private readonly TextWriter _out;
    private readonly bool _dynamic;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<KeyValuePair<string, double>> _values = new();
    private double _lastUpdate = -1;
    private double? _timeAfterFirstStep;
    private int _previousWidth;

    /// <param name="target">Total steps, or null when unknown.</param>
    /// <param name="dynamicDisplay">Redraw in place; default: the console is not redirected.</param>
    public Progbar(int? target, int verbose = 1, string unitName = "step", TextWriter? output = null, bool? dynamicDisplay = null)
    {
        Target = target;
        Verbose = verbose;
        UnitName = unitName;
        _out = output ?? Console.Out;
        _dynamic = dynamicDisplay ?? (output is null && !Console.IsOutputRedirected);
    }

    public int? Target { get; }

    public int Verbose { get; }

    public string UnitName { get; }

    /// <summary>Shows progress at <paramref name="current"/> steps with the given values (shown as given).</summary>
    public void Update(int current, IEnumerable<KeyValuePair<string, double>>? values = null, bool finalize = false)
    {
        if (values is not null)
        {
            _values.Clear();
            _values.AddRange(values);
        }
        double now = _clock.Elapsed.TotalSeconds;
        double timePerUnit = EstimateStepDuration(current, now);
        if (Verbose == 1)
        {
            if (!finalize && (!_dynamic || now - _lastUpdate < Interval)) return;
            _lastUpdate = now;
            var message = new StringBuilder();
            if (_dynamic) message.Append('\r');
            string bar;
            int specialChars = 0;
            if (Target is int target)
            {
                int digits = (int)Math.Floor(Math.Log10(Math.Max(target, 1))) + 1;
                string count = current.ToString(CultureInfo.InvariantCulture).PadLeft(digits) + "/" + target.ToString(CultureInfo.InvariantCulture);
                var b = new StringBuilder();
                b.Append("\x1b[1m").Append(count).Append("\x1b[0m ");
                specialChars += 8;
                int progWidth = (int)(Width * (double)current / target);
                if (progWidth > 0)
                {
                    b.Append("\x1b[32m").Append('━', progWidth).Append("\x1b[0m");
                    specialChars += 9;
                }
                b.Append("\x1b[37m").Append('━', Width - progWidth).Append("\x1b[0m");
                specialChars += 9;
                bar = b.ToString();
            }
            else bar = current.ToString(CultureInfo.InvariantCulture).PadLeft(7) + "/Unknown";
            message.Append(bar);

            string info;
            if (Target is int t && !finalize)
            {
                double eta = timePerUnit * (t - current);
                info = " " + FormatEta(eta);
            }
            else info = " " + Math.Round(now).ToString("0", CultureInfo.InvariantCulture) + "s";
            info += FormatTime(timePerUnit, UnitName);
            info += FormatValues();
            message.Append(info);
            int totalWidth = bar.Length + info.Length - specialChars;
            if (_previousWidth > totalWidth) message.Append(' ', _previousWidth - totalWidth);
            if (finalize || !_dynamic) message.Append('\n');
            _out.Write(message.ToString());
            _out.Flush();
            _previousWidth = totalWidth;
        }
        else if (Verbose == 2 && finalize)
        {
            int total = Target ?? current;
            int digits = (int)Math.Floor(Math.Log10(Math.Max(total, 1))) + 1;
            string count = current.ToString(CultureInfo.InvariantCulture).PadLeft(digits) + "/" + total.ToString(CultureInfo.InvariantCulture);
            string info = $"{count} - {Math.Round(now).ToString("0", CultureInfo.InvariantCulture)}s -" + FormatTime(timePerUnit, UnitName) + FormatValues();
            _out.Write(info + "\n");
            _out.Flush();
        }
    }

    private double EstimateStepDuration(int current, double now)
    {
        if (current <= 0) return 0;
        double perUnit = _timeAfterFirstStep is double first && current > 1 ? (now - first) / (current - 1) : now / current;
        if (current == 1) _timeAfterFirstStep = now;
        return perUnit;
    }

    private string FormatValues()
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in _values) sb.Append(" - ").Append(k).Append(": ").Append(FormatValue(v));
        return sb.ToString();
    }

    /// <summary>Keras's value format: 4 decimals, or scientific when |v| ≤ 1e-3.</summary>
    public static string FormatValue(double v) =>
        Math.Abs(v) > 1e-3 ? v.ToString("F4", CultureInfo.InvariantCulture) : v.ToString("0.0000e+00", CultureInfo.InvariantCulture);

    /// <summary>Keras's time per step: <c> 3s/step</c>, <c> 12ms/step</c>, <c> 800us/step</c>.</summary>
    public static string FormatTime(double timePerUnit, string unitName)
    {
        if (timePerUnit >= 1 || timePerUnit == 0) return $" {Math.Round(timePerUnit).ToString("0", CultureInfo.InvariantCulture)}s/{unitName}";
        if (timePerUnit >= 1e-3) return $" {Math.Round(timePerUnit * 1e3).ToString("0", CultureInfo.InvariantCulture)}ms/{unitName}";
        return $" {Math.Round(timePerUnit * 1e6).ToString("0", CultureInfo.InvariantCulture)}us/{unitName}";
    }

    private static string FormatEta(double eta)
    {
        if (eta > 3600) return $"{(int)(eta / 3600)}:{(int)(eta % 3600 / 60):00}:{(int)(eta % 60):00}";
        if (eta > 60) return $"{(int)(eta / 60)}:{(int)(eta % 60):00}";
        return $"{(int)eta}s";
    }
}
