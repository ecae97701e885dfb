using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers.Schedules;

/// <summary>
/// The schedule registry (Keras <c>keras.optimizers.schedules.serialize/deserialize</c>):
/// serialized schedules in the Keras 3 envelope (<c>module</c>, <c>class_name</c>, <c>config</c>,
/// <c>registered_name</c>) or the legacy <c>{"class_name", "config"}</c> form.
/// </summary>
public static class LearningRateSchedules
{
    /// <summary>The Keras 3 module written for schedules.</summary>
    public const string Module = "keras.optimizers.schedules";

    private static readonly Dictionary<string, Func<JObject, LearningRateSchedule>> s_factories = new(StringComparer.Ordinal)
    {
        ["ExponentialDecay"] = ExponentialDecay.FromConfig,
        ["PiecewiseConstantDecay"] = PiecewiseConstantDecay.FromConfig,
        ["PolynomialDecay"] = PolynomialDecay.FromConfig,
        ["CosineDecay"] = CosineDecay.FromConfig,
        ["InverseTimeDecay"] = InverseTimeDecay.FromConfig,
    };

    /// <summary>Builds a schedule from its serialized form.</summary>
    public static LearningRateSchedule Get(JToken identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        if (identifier is not JObject obj || obj["class_name"]?.Type != JTokenType.String)
            throw new ArgumentException($"Could not interpret learning rate schedule: expected an object with a \"class_name\", got {identifier.ToString(Newtonsoft.Json.Formatting.None)}.", nameof(identifier));
        string className = (string)obj["class_name"]!;
        if (!s_factories.TryGetValue(className, out var factory))
            throw new ArgumentException($"Unknown learning rate schedule: '{className}'. Known: {string.Join(", ", s_factories.Keys)}.", nameof(identifier));
        var config = obj["config"] as JObject ?? new JObject();
        return factory(config);
    }

    /// <summary>The Keras 3 envelope of <paramref name="schedule"/>.</summary>
    public static JObject Serialize(LearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return new JObject
        {
            ["module"] = Module,
            ["class_name"] = schedule.ClassName,
            ["config"] = schedule.GetConfig(),
            ["registered_name"] = null,
        };
    }
}
