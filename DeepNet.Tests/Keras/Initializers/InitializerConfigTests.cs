using DeepNet.Keras.Initializers;
using Newtonsoft.Json.Linq;
using static DeepNet.Tests.Keras.LeafTestData;

namespace DeepNet.Tests.Keras.Initializers;

/// <summary>Default configs equal Keras 3's, configs round-trip, and the registry accepts every Keras spelling.</summary>
public class InitializerConfigTests
{
    private const string PresetDefaults = """{"seed": null, "input_axes": null, "output_axes": null}""";

    [TestCase("GlorotUniform", PresetDefaults)]
    [TestCase("GlorotNormal", PresetDefaults)]
    [TestCase("HeUniform", PresetDefaults)]
    [TestCase("HeNormal", PresetDefaults)]
    [TestCase("LecunUniform", PresetDefaults)]
    [TestCase("LecunNormal", PresetDefaults)]
    [TestCase("VarianceScaling", """{"seed": null, "scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal", "input_axes": null, "output_axes": null}""")]
    [TestCase("Orthogonal", """{"seed": null, "gain": 1.0}""")]
    [TestCase("RandomUniform", """{"seed": null, "minval": -0.05, "maxval": 0.05}""")]
    [TestCase("RandomNormal", """{"seed": null, "mean": 0.0, "stddev": 0.05}""")]
    [TestCase("TruncatedNormal", """{"seed": null, "mean": 0.0, "stddev": 0.05}""")]
    [TestCase("Constant", """{"value": 0.0}""")]
    [TestCase("Zeros", "{}")]
    [TestCase("Ones", "{}")]
    [TestCase("Identity", """{"gain": 1.0}""")]
    public void DefaultConfig_EqualsKeras(string className, string expected)
    {
        var init = DeepNet.Keras.Initializers.Initializers.Get(className);
        Assert.That(init.ClassName, Is.EqualTo(className));
        AssertJsonEqual(init.GetConfig(), expected);
    }

    private static IEnumerable<Initializer> NonDefault()
    {
        yield return new GlorotUniform(seed: 4);
        yield return new HeNormal(seed: 9, inputAxes: [0], outputAxes: [1]);
        yield return new VarianceScaling(2.5, "fan_avg", "uniform", seed: 3);
        yield return new Orthogonal(1.5, seed: 2);
        yield return new RandomUniform(-1, 2, seed: 1);
        yield return new RandomNormal(0.5, 2, seed: 5);
        yield return new TruncatedNormal(-0.5, 0.1);
        yield return new Constant(3.25);
        yield return new Identity(0.5);
        yield return new Zeros();
    }

    [TestCaseSource(nameof(NonDefault))]
    public void Config_RoundTripsThroughSerialize(Initializer init)
    {
        var serialized = DeepNet.Keras.Initializers.Initializers.Serialize(init);
        Assert.That((string?)serialized["module"], Is.EqualTo("keras.initializers"));
        Assert.That((string?)serialized["class_name"], Is.EqualTo(init.ClassName));
        Assert.That(serialized["registered_name"]!.Type, Is.EqualTo(JTokenType.Null));
        var back = DeepNet.Keras.Initializers.Initializers.Get(serialized)!;
        Assert.That(back.GetType(), Is.EqualTo(init.GetType()));
        Assert.That(JToken.DeepEquals(back.GetConfig(), init.GetConfig()), Is.True, back.GetConfig().ToString());
    }

    [TestCase("glorot_uniform", typeof(GlorotUniform))]
    [TestCase("GlorotUniform", typeof(GlorotUniform))]
    [TestCase("he_normal", typeof(HeNormal))]
    [TestCase("lecun_uniform", typeof(LecunUniform))]
    [TestCase("orthogonal", typeof(Orthogonal))]
    [TestCase("OrthogonalInitializer", typeof(Orthogonal))]
    [TestCase("IdentityInitializer", typeof(Identity))]
    [TestCase("uniform", typeof(RandomUniform))]
    [TestCase("normal", typeof(RandomNormal))]
    [TestCase("random_normal", typeof(RandomNormal))]
    [TestCase("truncated_normal", typeof(TruncatedNormal))]
    [TestCase("variance_scaling", typeof(VarianceScaling))]
    [TestCase("zeros", typeof(Zeros))]
    [TestCase("zero", typeof(Zeros))]
    [TestCase("one", typeof(Ones))]
    [TestCase("constant", typeof(Constant))]
    public void Get_AcceptsKerasNamesAndAliases(string name, Type expected)
    {
        Assert.That(DeepNet.Keras.Initializers.Initializers.Get(name), Is.InstanceOf(expected));
    }

    [Test]
    public void Get_LegacyEnvelope_ReadsConfig()
    {
        var init = DeepNet.Keras.Initializers.Initializers.Get(JToken.Parse("""{"class_name": "VarianceScaling", "config": {"scale": 2.0, "mode": "fan_out", "distribution": "uniform", "seed": 11}}"""));
        Assert.That(init, Is.InstanceOf<VarianceScaling>());
        var vs = (VarianceScaling)init!;
        Assert.That((vs.Scale, vs.Mode, vs.Distribution, vs.Seed), Is.EqualTo((2.0, "fan_out", "uniform", (int?)11)));
    }

    [Test]
    public void Get_Keras3Envelope_ReadsConfig()
    {
        var init = DeepNet.Keras.Initializers.Initializers.Get(JToken.Parse("""{"module": "keras.initializers", "class_name": "RandomUniform", "config": {"seed": null, "minval": -0.1, "maxval": 0.1}, "registered_name": null}"""));
        Assert.That(((RandomUniform)init!).Maxval, Is.EqualTo(0.1));
    }

    [Test]
    public void Get_NullToken_GivesNull()
    {
        Assert.That(DeepNet.Keras.Initializers.Initializers.Get(JValue.CreateNull()), Is.Null);
    }

    [Test]
    public void Get_UnknownName_ListsKnownNames()
    {
        var e = Assert.Throws<ArgumentException>(() => DeepNet.Keras.Initializers.Initializers.Get("glorot_uniformm"));
        Assert.That(e!.Message, Does.Contain("'glorot_uniformm'").And.Contain("glorot_uniform"));
    }

    [Test]
    public void Get_NamesAreCaseSensitiveAsInKeras()
    {
        Assert.Throws<ArgumentException>(() => DeepNet.Keras.Initializers.Initializers.Get("Glorot_Uniform"));
    }
}
