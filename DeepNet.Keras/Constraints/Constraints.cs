using DeepNet.Keras.Utils;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Constraints;

/// <summary>
/// The constraint registry (Keras <c>keras.constraints.get/serialize/deserialize</c>):
/// <c>MaxNorm</c>/<c>max_norm</c>, <c>NonNeg</c>/<c>non_neg</c>, <c>UnitNorm</c>/<c>unit_norm</c>,
/// <c>MinMaxNorm</c>/<c>min_max_norm</c> (plus Keras 2's <c>maxnorm</c>, <c>nonneg</c>,
/// <c>unitnorm</c>), and serialized objects in the legacy or Keras 3 envelope.
/// </summary>
public static class Constraints
{
    private static readonly KerasRegistry<Constraint> s_registry = Build();

    private static KerasRegistry<Constraint> Build()
    {
        var r = new KerasRegistry<Constraint>("constraint", "keras.constraints");
        r.Register("MaxNorm", MaxNorm.FromConfig, "max_norm", "maxnorm");
        r.Register("NonNeg", NonNeg.FromConfig, "non_neg", "nonneg");
        r.Register("UnitNorm", UnitNorm.FromConfig, "unit_norm", "unitnorm");
        r.Register("MinMaxNorm", MinMaxNorm.FromConfig, "min_max_norm");
        return r;
    }

    public static Constraint Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_registry.Get(name);
    }

    /// <summary>A constraint from a name or a serialized object; null for a JSON null.</summary>
    public static Constraint? Get(JToken? identifier) =>
        identifier is null || identifier.Type == JTokenType.Null ? null : s_registry.Get(identifier);

    /// <summary>Keras 3 form: <c>{"module": "keras.constraints", "class_name", "config", "registered_name": null}</c>.</summary>
    public static JObject Serialize(Constraint constraint)
    {
        ArgumentNullException.ThrowIfNull(constraint);
        return s_registry.Serialize(constraint.ClassName, constraint.GetConfig());
    }

    public static void Register(string className, Func<JObject, Constraint> fromConfig)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        ArgumentNullException.ThrowIfNull(fromConfig);
        s_registry.Register(className, fromConfig);
    }

    public static IReadOnlyList<string> Names => s_registry.Names;
}
