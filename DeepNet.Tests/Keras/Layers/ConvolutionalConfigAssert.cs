using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>
/// Compares a layer's config with Keras's defaults: the same keys in the same order, floats at
/// float32 precision, and initializers by class name (written as a plain string in the expectation).
/// </summary>
internal static class ConvolutionalConfigAssert
{
    private static readonly HashSet<string> s_initializerKeys = new(StringComparer.Ordinal);

    public static void MatchesKeras(Layer layer, string ownKeys)
    {
        var config = layer.GetConfig();
        var expected = JObject.Parse(ownKeys);
        expected.AddFirst(new JProperty("dtype", JObject.Parse("""{"module":"keras","class_name":"DTypePolicy","config":{"name":"float32"},"registered_name":null}""")));
        expected.AddFirst(new JProperty("trainable", true));
        expected.AddFirst(new JProperty("name", layer.Name));
        Assert.That(config.Properties().Select(p => p.Name), Is.EqualTo(expected.Properties().Select(p => p.Name)));
        foreach (var p in expected.Properties())
        {
            var actual = config[p.Name]!;
            if (p.Name.EndsWith("_initializer", StringComparison.Ordinal))
                Assert.That(actual.Value<string>("class_name"), Is.EqualTo(p.Value.Value<string>()), p.Name);
            else if (p.Value.Type == JTokenType.Float)
                Assert.That(actual.Value<double>(), Is.EqualTo(p.Value.Value<double>()).Within(1e-6), p.Name);
            else
                Assert.That(JToken.DeepEquals(actual, p.Value), Is.True, $"{p.Name}: {actual} vs {p.Value}");
        }
    }
}
