using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DeepNet.Keras.Utils;

/// <summary>
/// The subset of Python's <c>str.format</c> that Keras filepath templates use:
/// <c>{name}</c>, <c>{name:02d}</c> (width, zero padding), <c>{name:.2f}</c>/<c>{name:8.3f}</c>
/// (precision), <c>{name:.3e}</c>; <c>{{</c> and <c>}}</c> are literal braces. Also Python's
/// <c>repr</c> of a float, as logs print values.
/// </summary>
public static partial class PythonFormat
{
    /// <summary>Formats <paramref name="template"/> with named <paramref name="values"/>.</summary>
    public static string Format(string template, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        var sb = new StringBuilder();
        int i = 0;
        while (i < template.Length)
        {
            char c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{') { sb.Append('{'); i += 2; continue; }
            if (c == '}' && i + 1 < template.Length && template[i + 1] == '}') { sb.Append('}'); i += 2; continue; }
            if (c == '}') throw new FormatException($"Single '}}' encountered in format string \"{template}\".");
            if (c != '{') { sb.Append(c); i++; continue; }
            int end = template.IndexOf('}', i);
            if (end < 0) throw new FormatException($"Single '{{' encountered in format string \"{template}\".");
            string field = template[(i + 1)..end];
            int colon = field.IndexOf(':');
            string name = colon < 0 ? field : field[..colon];
            string spec = colon < 0 ? "" : field[(colon + 1)..];
            if (!values.TryGetValue(name, out double value))
                throw new KeyNotFoundException($"Failed to format the filepath \"{template}\": key '{name}' is not in the logs. Available keys: {string.Join(", ", values.Keys)}.");
            sb.Append(FormatValue(value, spec, template));
            i = end + 1;
        }
        return sb.ToString();
    }

    private static string FormatValue(double value, string spec, string template)
    {
        if (spec.Length == 0) return Repr(value);
        var m = Spec().Match(spec);
        if (!m.Success) throw new FormatException($"Unsupported format spec '{spec}' in \"{template}\" (supported: d, f, e with width, zero padding and precision).");
        bool zero = m.Groups["zero"].Success;
        int width = m.Groups["width"].Success ? int.Parse(m.Groups["width"].Value, CultureInfo.InvariantCulture) : 0;
        int? precision = m.Groups["prec"].Success ? int.Parse(m.Groups["prec"].Value, CultureInfo.InvariantCulture) : null;
        string type = m.Groups["type"].Value;
        string body;
        switch (type)
        {
            case "d":
                if (value != Math.Floor(value)) throw new FormatException($"Unknown format code 'd' for a non-integer value {Repr(value)} in \"{template}\".");
                body = ((long)value).ToString(CultureInfo.InvariantCulture);
                break;
            case "f":
            case "":
                body = value.ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture);
                break;
            case "e":
                body = value.ToString((precision ?? 6) == 0 ? "0e+00" : "0." + new string('0', precision ?? 6) + "e+00", CultureInfo.InvariantCulture);
                break;
            default:
                throw new FormatException($"Unsupported format type '{type}' in \"{template}\".");
        }
        if (body.Length >= width) return body;
        if (!zero) return body.PadLeft(width);
        bool negative = body.StartsWith('-');
        string digits = negative ? body[1..] : body;
        return (negative ? "-" : "") + digits.PadLeft(width - (negative ? 1 : 0), '0');
    }

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, <c>1.0</c>, <c>1e-05</c>, <c>nan</c>, <c>inf</c>.</summary>
    public static string Repr(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        double abs = Math.Abs(value);
        if (abs >= 1e15 && abs < 1e16) return value.ToString("F0", CultureInfo.InvariantCulture) + ".0";
        // .NET's shortest round-trip form switches to an exponent at the same small threshold as
        // Python (below 1e-4); only the spelling of the exponent differs (1E-05 vs 1e-05).
        string r = value.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E');
        if (e >= 0)
        {
            int exp = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
            return $"{r[..e]}e{(exp < 0 ? "-" : "+")}{Math.Abs(exp):00}";
        }
        if (abs >= 1e16)
        {
            // Large values come back as plain digits here; Python writes d.ddde+XX from 1e16 on.
            string digits = r.TrimStart('-');
            int exponent = digits.Length - 1;
            string significant = digits.TrimEnd('0');
            string mantissa = significant.Length > 1 ? significant[0] + "." + significant[1..] : significant;
            return $"{(value < 0 ? "-" : "")}{mantissa}e+{exponent:00}";
        }
        return r.Contains('.') ? r : r + ".0";
    }

    [GeneratedRegex(@"^(?<zero>0)?(?<width>[1-9][0-9]*)?(\.(?<prec>[0-9]+))?(?<type>[dfe]?)$")]
    private static partial Regex Spec();
}
