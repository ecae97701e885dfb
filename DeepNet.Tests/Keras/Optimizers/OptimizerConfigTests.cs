using OptimizerRegistry = DeepNet.Keras.Optimizers.Optimizers;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Optimizers.Schedules;
using Newtonsoft.Json.Linq;

namespace DeepNet.Tests.Keras.Optimizers;

/// <summary>
/// Configs (Keras 3 keys and defaults, keras-compat §5.1), round trips and the registry.
/// </summary>
public class OptimizerConfigTests
{
    // Keras writes the learning rate as float(variable.numpy()) of a float32 variable.
    private static double StoredRate(double lr) => (float)lr;

    private static JObject Base(string name, double learningRate, double? weightDecay = null) => new()
    {
        ["name"] = name,
        ["learning_rate"] = StoredRate(learningRate),
        ["weight_decay"] = weightDecay,
        ["clipnorm"] = null,
        ["global_clipnorm"] = null,
        ["clipvalue"] = null,
        ["use_ema"] = false,
        ["ema_momentum"] = 0.99,
        ["ema_overwrite_frequency"] = null,
        ["loss_scale_factor"] = null,
        ["gradient_accumulation_steps"] = null,
    };

    private static JObject With(JObject config, params (string Key, JToken Value)[] own)
    {
        foreach (var (key, value) in own) config[key] = value;
        return config;
    }

    // The Keras 3 default config of each optimizer (name given explicitly, as auto names count up).
    private static IEnumerable<TestCaseData> Defaults()
    {
        yield return Case("sgd", With(Base("x", 0.01), ("momentum", 0.0), ("nesterov", false)));
        yield return Case("rmsprop", With(Base("x", 0.001), ("rho", 0.9), ("momentum", 0.0), ("epsilon", 1e-7), ("centered", false)));
        yield return Case("adam", With(Base("x", 0.001), ("beta_1", 0.9), ("beta_2", 0.999), ("epsilon", 1e-7), ("amsgrad", false)));
        yield return Case("adamw", With(Base("x", 0.001, weightDecay: 0.004), ("beta_1", 0.9), ("beta_2", 0.999), ("epsilon", 1e-7), ("amsgrad", false)));
        yield return Case("adagrad", With(Base("x", 0.001), ("initial_accumulator_value", 0.1), ("epsilon", 1e-7)));
        yield return Case("adadelta", With(Base("x", 0.001), ("rho", 0.95), ("epsilon", 1e-7)));
        yield return Case("adamax", With(Base("x", 0.001), ("beta_1", 0.9), ("beta_2", 0.999), ("epsilon", 1e-7)));
        yield return Case("nadam", With(Base("x", 0.001), ("beta_1", 0.9), ("beta_2", 0.999), ("epsilon", 1e-7)));
        yield return Case("ftrl", With(Base("x", 0.001), ("learning_rate_power", -0.5), ("initial_accumulator_value", 0.1),
            ("l1_regularization_strength", 0.0), ("l2_regularization_strength", 0.0), ("l2_shrinkage_regularization_strength", 0.0), ("beta", 0.0)));
        yield return Case("lion", With(Base("x", 0.001), ("beta_1", 0.9), ("beta_2", 0.99)));

        static TestCaseData Case(string name, JObject config) => new TestCaseData(name, config).SetArgDisplayNames(name);
    }

    private static void AssertSameConfig(JObject expected, JObject actual)
    {
        Assert.That(actual.Properties().Select(p => p.Name), Is.EqualTo(expected.Properties().Select(p => p.Name)), "keys in Keras's order");
        Assert.That(JToken.DeepEquals(expected, actual), Is.True, $"expected {expected}\nactual {actual}");
    }

    [TestCaseSource(nameof(Defaults))]
    public void DefaultConfig_EqualsKerasDefaults(string name, JObject expected)
    {
        var optimizer = OptimizerRegistry.Get(new JObject { ["class_name"] = name, ["config"] = new JObject { ["name"] = "x" } });
        AssertSameConfig(expected, optimizer.GetConfig());
    }

    [TestCaseSource(nameof(Defaults))]
    public void Config_RoundTrips(string name, JObject defaults)
    {
        var config = (JObject)defaults.DeepClone();
        config["learning_rate"] = StoredRate(0.0375);
        config["clipnorm"] = 1.5;
        config["gradient_accumulation_steps"] = 3;
        if (name == "sgd") config["momentum"] = 0.5;
        var first = OptimizerRegistry.Get(new JObject { ["class_name"] = name, ["config"] = config });
        var again = OptimizerRegistry.Get(OptimizerRegistry.Serialize(first));
        AssertSameConfig(config, first.GetConfig());
        AssertSameConfig(first.GetConfig(), again.GetConfig());
    }

    [Test]
    public void Config_WithSchedule_SerializesTheSchedule()
    {
        var adam = new Adam(learningRate: new ExponentialDecay(0.1, 100, 0.5), name: "adam_sched");
        var config = adam.GetConfig();
        var expected = new JObject
        {
            ["module"] = "keras.optimizers.schedules",
            ["class_name"] = "ExponentialDecay",
            ["config"] = new JObject
            {
                ["initial_learning_rate"] = 0.1,
                ["decay_steps"] = 100,
                ["decay_rate"] = 0.5,
                ["staircase"] = false,
                ["name"] = "ExponentialDecay",
            },
            ["registered_name"] = null,
        };
        Assert.That(JToken.DeepEquals(config["learning_rate"], expected), Is.True, config["learning_rate"]!.ToString());
        var again = OptimizerRegistry.Get(OptimizerRegistry.Serialize(adam));
        Assert.That(again.Schedule, Is.InstanceOf<ExponentialDecay>());
        Assert.That(JToken.DeepEquals(again.GetConfig(), config), Is.True);
    }

    [TestCase("adam", typeof(Adam))]
    [TestCase("Adam", typeof(Adam))]
    [TestCase("ADAM", typeof(Adam))]
    [TestCase("sgd", typeof(SGD))]
    [TestCase("SGD", typeof(SGD))]
    [TestCase("rmsprop", typeof(RMSprop))]
    [TestCase("RMSprop", typeof(RMSprop))]
    [TestCase("adamw", typeof(AdamW))]
    [TestCase("adagrad", typeof(Adagrad))]
    [TestCase("adadelta", typeof(Adadelta))]
    [TestCase("adamax", typeof(Adamax))]
    [TestCase("nadam", typeof(Nadam))]
    [TestCase("ftrl", typeof(Ftrl))]
    [TestCase("lion", typeof(Lion))]
    public void Get_Name_GivesTheOptimizer(string name, Type type)
    {
        Assert.That(OptimizerRegistry.Get(name), Is.InstanceOf(type));
        Assert.That(OptimizerRegistry.Get(new JValue(name)), Is.InstanceOf(type));
    }

    [Test]
    public void Get_UnknownName_ListsKnownNames()
    {
        Assert.That(() => OptimizerRegistry.Get("adamm"), Throws.ArgumentException.With.Message.Contains("adamm").And.Message.Contains("adam, adamax"));
    }

    [Test]
    public void Serialize_WritesTheKeras3Envelope()
    {
        var envelope = OptimizerRegistry.Serialize(new SGD(name: "sgd_env"));
        Assert.That(envelope.Properties().Select(p => p.Name), Is.EqualTo(new[] { "module", "class_name", "config", "registered_name" }));
        Assert.That((string?)envelope["module"], Is.EqualTo("keras.optimizers"));
        Assert.That((string?)envelope["class_name"], Is.EqualTo("SGD"));
        Assert.That(envelope["registered_name"]!.Type, Is.EqualTo(JTokenType.Null));
    }

    [Test]
    public void Get_Keras2NewOptimizerConfig_IgnoresItsExtraKeys()
    {
        var config = JObject.Parse("""
            {"class_name": "Adam", "config": {"name": "Adam", "learning_rate": 0.002, "decay": 0.0, "beta_1": 0.8, "beta_2": 0.999,
             "epsilon": 1e-07, "amsgrad": false, "jit_compile": true, "is_legacy_optimizer": false}}
            """);
        var adam = (Adam)OptimizerRegistry.Get(config);
        Assert.That(adam.Beta1, Is.EqualTo(0.8));
        Assert.That(adam.LearningRate, Is.EqualTo(0.002f));
        Assert.That(adam.Name, Is.EqualTo("Adam"));
    }

    [Test]
    public void Get_UnknownConfigKey_Throws()
    {
        var config = new JObject { ["class_name"] = "SGD", ["config"] = new JObject { ["momentun"] = 0.9 } };
        Assert.That(() => OptimizerRegistry.Get(config), Throws.ArgumentException.With.Message.Contains("momentun"));
    }

    [Test]
    public void DefaultNames_AreSnakeCaseAndUnique()
    {
        Assert.That(Optimizer.ToSnakeCase("RMSprop"), Is.EqualTo("rm_sprop"));
        Assert.That(Optimizer.ToSnakeCase("AdamW"), Is.EqualTo("adam_w"));
        Assert.That(Optimizer.ToSnakeCase("SGD"), Is.EqualTo("sgd"));
        var first = new Adamax();
        var second = new Adamax();
        Assert.That(first.Name, Does.StartWith("adamax"));
        Assert.That(second.Name, Is.Not.EqualTo(first.Name));
    }
}
