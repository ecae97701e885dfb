using System.Collections.Concurrent;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Utils;

/// <summary>
/// Maps Keras names to objects of one family (initializers, losses, ...): a class name
/// (<c>GlorotUniform</c>), its snake_case form and Keras's aliases (<c>glorot_uniform</c>,
/// <c>mse</c>), or a serialized object in either envelope — legacy
/// <c>{"class_name", "config"}</c> or Keras 3 <c>{"module", "class_name", "config",
/// "registered_name"}</c>. Names are case-sensitive, as in Keras.
/// </summary>
internal sealed class KerasRegistry<T> where T : class
{
    // Concurrent so that custom registrations may race with lookups.
    private readonly ConcurrentDictionary<string, Func<JObject, T>> _factories = new(StringComparer.Ordinal);
    private readonly string _family;

    /// <param name="family">Singular noun used in messages ("initializer").</param>
    /// <param name="module">The Keras 3 module written when serializing ("keras.initializers").</param>
    public KerasRegistry(string family, string module)
    {
        _family = family;
        Module = module;
    }

    public string Module { get; }

    /// <summary>Registers a class under its Keras class name and any aliases.</summary>
    public void Register(string className, Func<JObject, T> fromConfig, params string[] aliases)
    {
        _factories[className] = fromConfig;
        foreach (var alias in aliases) _factories[alias] = fromConfig;
    }

    public bool Contains(string name) => _factories.ContainsKey(name);

    /// <summary>Every name and alias, sorted (for messages and tests).</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            var names = _factories.Keys.ToList();
            names.Sort(StringComparer.Ordinal);
            return names;
        }
    }

    /// <summary>Builds an object from a name (default config) or a serialized object.</summary>
    public T Get(JToken identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        switch (identifier.Type)
        {
            case JTokenType.String:
                return Create((string)identifier!, new JObject());
            case JTokenType.Object:
                var obj = (JObject)identifier;
                var className = obj["class_name"]?.Type == JTokenType.String ? (string)obj["class_name"]! : null;
                if (className is null)
                    throw new ArgumentException($"Could not interpret {_family} identifier: a config object needs a \"class_name\" string, got {obj.ToString(Newtonsoft.Json.Formatting.None)}.", nameof(identifier));
                var config = obj["config"] switch
                {
                    JObject c => c,
                    null or { Type: JTokenType.Null } => new JObject(),
                    var other => throw new ArgumentException($"Could not interpret {_family} identifier: \"config\" of {className} must be an object, got {other.ToString(Newtonsoft.Json.Formatting.None)}.", nameof(identifier)),
                };
                // A custom object is registered as "package>Name"; fall back to that when the class name is unknown.
                if (!_factories.ContainsKey(className) && obj["registered_name"]?.Type == JTokenType.String)
                {
                    var registered = (string)obj["registered_name"]!;
                    if (_factories.ContainsKey(registered)) className = registered;
                }
                return Create(className, config);
            default:
                throw new ArgumentException($"Could not interpret {_family} identifier: expected a name or a config object, got {identifier.ToString(Newtonsoft.Json.Formatting.None)}.", nameof(identifier));
        }
    }

    private T Create(string name, JObject config)
    {
        if (!_factories.TryGetValue(name, out var factory))
            throw new ArgumentException($"Unknown {_family}: '{name}'. Known names: {string.Join(", ", Names)}.", nameof(name));
        return factory(config);
    }

    /// <summary>The Keras 3 envelope of an object: module, class_name, config, registered_name.</summary>
    public JObject Serialize(string className, JObject config) => new()
    {
        ["module"] = Module,
        ["class_name"] = className,
        ["config"] = config,
        ["registered_name"] = null,
    };
}
