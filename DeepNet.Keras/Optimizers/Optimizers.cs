using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// The optimizer registry (Keras <c>keras.optimizers.get/serialize/deserialize</c>): a name
/// (<c>"adam"</c>, <c>"sgd"</c>, <c>"rmsprop"</c>, ... — case-insensitive, as Keras lowercases the
/// class name of built-ins) or a serialized optimizer in the legacy <c>{"class_name", "config"}</c>
/// or the Keras 3 <c>{"module", "class_name", "config", "registered_name"}</c> form.
/// </summary>
public static class Optimizers
{
    /// <summary>The Keras 3 module written for optimizers.</summary>
    public const string Module = "keras.optimizers";

    // Keyed by the lower-cased class name, as Keras's ALL_OBJECTS_DICT.
    private static readonly Dictionary<string, Func<JObject, Optimizer>> s_factories = new(StringComparer.Ordinal)
    {
        ["sgd"] = SGD.FromConfig,
        ["rmsprop"] = RMSprop.FromConfig,
        ["adam"] = Adam.FromConfig,
        ["adamw"] = AdamW.FromConfig,
        ["adagrad"] = Adagrad.FromConfig,
        ["adadelta"] = Adadelta.FromConfig,
        ["adamax"] = Adamax.FromConfig,
        ["nadam"] = Nadam.FromConfig,
        ["ftrl"] = Ftrl.FromConfig,
        ["lion"] = Lion.FromConfig,
    };

    /// <summary>Every name <see cref="Get(string)"/> knows.</summary>
    public static IReadOnlyList<string> Names => s_factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>An optimizer with default arguments from its name (<c>"adam"</c>, <c>"SGD"</c>, ...).</summary>
    public static Optimizer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Create(name, new JObject());
    }

    /// <summary>An optimizer from a name or a serialized optimizer.</summary>
    public static Optimizer Get(JToken identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        if (identifier.Type == JTokenType.String) return Get((string)identifier!);
        if (identifier is not JObject obj || obj["class_name"]?.Type != JTokenType.String)
            throw new ArgumentException($"Could not interpret optimizer identifier: expected a name or an object with a \"class_name\", got {identifier.ToString(Newtonsoft.Json.Formatting.None)}.", nameof(identifier));
        var config = obj["config"] switch
        {
            JObject c => (JObject)c.DeepClone(),
            null or { Type: JTokenType.Null } => new JObject(),
            var other => throw new ArgumentException($"Could not interpret optimizer identifier: \"config\" must be an object, got {other.ToString(Newtonsoft.Json.Formatting.None)}.", nameof(identifier)),
        };
        return Create((string)obj["class_name"]!, config);
    }

    /// <summary>The Keras 3 envelope of <paramref name="optimizer"/>.</summary>
    public static JObject Serialize(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return new JObject
        {
            ["module"] = Module,
            ["class_name"] = optimizer.ClassName,
            ["config"] = optimizer.GetConfig(),
            ["registered_name"] = null,
        };
    }

    private static Optimizer Create(string className, JObject config)
    {
        if (!s_factories.TryGetValue(className.ToLowerInvariant(), out var factory))
            throw new ArgumentException($"Could not interpret optimizer identifier: unknown optimizer '{className}'. Known: {string.Join(", ", Names)}.", nameof(className));
        return factory(config);
    }
}
