using DeepNet.Keras.Utils;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Regularizers;

/// <summary>
/// The regularizer registry (Keras <c>keras.regularizers.get/serialize/deserialize</c>):
/// <c>L1</c>/<c>l1</c>, <c>L2</c>/<c>l2</c>, <c>L1L2</c>/<c>l1l2</c>/<c>l1_l2</c>, and
/// serialized objects in the legacy or Keras 3 envelope.
/// </summary>
public static class Regularizers
{
    private static readonly KerasRegistry<Regularizer> s_registry = Build();

    private static KerasRegistry<Regularizer> Build()
    {
        var r = new KerasRegistry<Regularizer>("regularizer", "keras.regularizers");
        r.Register("L1", L1.FromConfig, "l1");
        r.Register("L2", L2.FromConfig, "l2");
        r.Register("L1L2", L1L2.FromConfig, "l1l2", "l1_l2");
        return r;
    }

    public static Regularizer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_registry.Get(name);
    }

    /// <summary>A regularizer from a name or a serialized object; null for a JSON null.</summary>
    public static Regularizer? Get(JToken? identifier) =>
        identifier is null || identifier.Type == JTokenType.Null ? null : s_registry.Get(identifier);

    /// <summary>Keras 3 form: <c>{"module": "keras.regularizers", "class_name", "config", "registered_name": null}</c>.</summary>
    public static JObject Serialize(Regularizer regularizer)
    {
        ArgumentNullException.ThrowIfNull(regularizer);
        return s_registry.Serialize(regularizer.ClassName, regularizer.GetConfig());
    }

    public static void Register(string className, Func<JObject, Regularizer> fromConfig)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        ArgumentNullException.ThrowIfNull(fromConfig);
        s_registry.Register(className, fromConfig);
    }

    public static IReadOnlyList<string> Names => s_registry.Names;
}
