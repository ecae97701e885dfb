using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// Reads a Keras config object key by key with defaults, and refuses keys nobody read (Keras
/// raises "Argument(s) not recognized"), so a typo in a config is an error, not a silent default.
/// </summary>
internal sealed class OptimizerConfigReader
{
    private readonly JObject _config;
    private readonly string _owner;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public OptimizerConfigReader(JObject config, string owner)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _owner = owner;
    }

    public JToken? Raw(string key)
    {
        _read.Add(key);
        var token = _config[key];
        return token is null || token.Type == JTokenType.Null ? null : token;
    }

    public double Double(string key, double defaultValue) => NullableDouble(key) ?? defaultValue;

    public double? NullableDouble(string key)
    {
        var token = Raw(key);
        if (token is null) return null;
        if (token.Type is JTokenType.Float or JTokenType.Integer) return (double)token;
        throw Bad(key, "a number", token);
    }

    public int Int(string key, int defaultValue) => NullableInt(key) ?? defaultValue;

    public int? NullableInt(string key)
    {
        var token = Raw(key);
        if (token is null) return null;
        if (token.Type == JTokenType.Integer) return (int)token;
        if (token.Type == JTokenType.Float && (double)token == Math.Floor((double)token)) return (int)(double)token;
        throw Bad(key, "an integer", token);
    }

    public bool Bool(string key, bool defaultValue)
    {
        var token = Raw(key);
        if (token is null) return defaultValue;
        if (token.Type == JTokenType.Boolean) return (bool)token;
        throw Bad(key, "true or false", token);
    }

    public string? String(string key)
    {
        var token = Raw(key);
        if (token is null) return null;
        if (token.Type == JTokenType.String) return (string)token!;
        throw Bad(key, "a string", token);
    }

    /// <summary>Reads keys that older Keras versions write and that carry no meaning here.</summary>
    public void Ignore(params string[] keys)
    {
        foreach (var key in keys) _read.Add(key);
    }

    /// <summary>Throws when the config holds a key no reader asked for.</summary>
    public void ThrowIfUnread()
    {
        var unknown = new List<string>();
        foreach (var property in _config.Properties())
        {
            if (!_read.Contains(property.Name)) unknown.Add(property.Name);
        }
        if (unknown.Count > 0)
            throw new ArgumentException($"{_owner}: argument(s) not recognized in the config: {string.Join(", ", unknown)}.");
    }

    private ArgumentException Bad(string key, string expected, JToken token) =>
        new($"{_owner}: config key \"{key}\" must be {expected}, got {token.ToString(Newtonsoft.Json.Formatting.None)}.");
}
