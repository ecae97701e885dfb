using DeepNet.Keras.Utils;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Initializers;

/// <summary>
/// The initializer registry (Keras <c>keras.initializers.get/serialize/deserialize</c>): class
/// names (<c>GlorotUniform</c>), their snake_case forms (<c>glorot_uniform</c>), Keras's aliases
/// (<c>uniform</c>, <c>normal</c>, <c>one</c>, <c>zero</c>, <c>OrthogonalInitializer</c>,
/// <c>IdentityInitializer</c>) and serialized objects in the legacy or Keras 3 envelope.
/// </summary>
public static class Initializers
{
    private static readonly KerasRegistry<Initializer> s_registry = Build();

    private static KerasRegistry<Initializer> Build()
    {
        var r = new KerasRegistry<Initializer>("initializer", "keras.initializers");
        r.Register("Constant", Constant.FromConfig, "constant");
        r.Register("Zeros", Zeros.FromConfig, "zeros", "zero");
        r.Register("Ones", Ones.FromConfig, "ones", "one");
        r.Register("Identity", Identity.FromConfig, "identity", "IdentityInitializer");
        r.Register("GlorotUniform", GlorotUniform.FromConfig, "glorot_uniform");
        r.Register("GlorotNormal", GlorotNormal.FromConfig, "glorot_normal");
        r.Register("HeUniform", HeUniform.FromConfig, "he_uniform");
        r.Register("HeNormal", HeNormal.FromConfig, "he_normal");
        r.Register("LecunUniform", LecunUniform.FromConfig, "lecun_uniform");
        r.Register("LecunNormal", LecunNormal.FromConfig, "lecun_normal");
        r.Register("Orthogonal", Orthogonal.FromConfig, "orthogonal", "OrthogonalInitializer");
        r.Register("RandomUniform", RandomUniform.FromConfig, "random_uniform", "uniform");
        r.Register("RandomNormal", RandomNormal.FromConfig, "random_normal", "normal");
        r.Register("TruncatedNormal", TruncatedNormal.FromConfig, "truncated_normal");
        r.Register("VarianceScaling", VarianceScaling.FromConfig, "variance_scaling");
        return r;
    }

    /// <summary>An initializer from its Keras name, with default arguments.</summary>
    public static Initializer Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return s_registry.Get(name);
    }

    /// <summary>An initializer from a name or a serialized object; null for a JSON null.</summary>
    public static Initializer? Get(JToken? identifier) =>
        identifier is null || identifier.Type == JTokenType.Null ? null : s_registry.Get(identifier);

    /// <summary>Keras 3 form: <c>{"module": "keras.initializers", "class_name", "config", "registered_name": null}</c>.</summary>
    public static JObject Serialize(Initializer initializer)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        return s_registry.Serialize(initializer.ClassName, initializer.GetConfig());
    }

    /// <summary>Adds a custom initializer under <paramref name="className"/> (Keras <c>register_keras_serializable</c>).</summary>
    public static void Register(string className, Func<JObject, Initializer> fromConfig)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        ArgumentNullException.ThrowIfNull(fromConfig);
        s_registry.Register(className, fromConfig);
    }

    /// <summary>Every accepted name, sorted.</summary>
    public static IReadOnlyList<string> Names => s_registry.Names;
}
