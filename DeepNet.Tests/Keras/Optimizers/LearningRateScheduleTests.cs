using DeepNet.Keras.Optimizers.Schedules;
using Newtonsoft.Json.Linq;

namespace DeepNet.Tests.Keras.Optimizers;

/// <summary>Learning-rate schedules against Keras 3's formulas, written out here in float64.</summary>
public class LearningRateScheduleTests
{
    private static readonly long[] Steps = { 0, 1, 2, 5, 9, 10, 11, 25, 37, 100, 1000 };

    private static void AssertMatches(LearningRateSchedule schedule, Func<long, double> formula)
    {
        foreach (long step in Steps)
        {
            double expected = formula(step);
            float actual = schedule.Call(step);
            double error = Math.Abs(actual - expected);
            if (!(error <= 1e-9 + 1e-6 * Math.Abs(expected)))
                Assert.Fail($"{schedule.ClassName} at step {step}: expected {expected:R}, actual {actual:R}.");
        }
    }

    [Test]
    public void ExponentialDecay_MatchesFormula()
    {
        AssertMatches(new ExponentialDecay(0.1, 10, 0.96), s => 0.1 * Math.Pow(0.96, s / 10.0));
    }

    [Test]
    public void ExponentialDecay_Staircase_MatchesFormula()
    {
        AssertMatches(new ExponentialDecay(0.1, 10, 0.5, staircase: true), s => 0.1 * Math.Pow(0.5, Math.Floor(s / 10.0)));
    }

    [Test]
    public void InverseTimeDecay_MatchesFormula()
    {
        AssertMatches(new InverseTimeDecay(0.2, 5, 0.5), s => 0.2 / (1 + 0.5 * s / 5.0));
        AssertMatches(new InverseTimeDecay(0.2, 5, 0.5, staircase: true), s => 0.2 / (1 + 0.5 * Math.Floor(s / 5.0)));
    }

    [Test]
    public void PolynomialDecay_MatchesFormula()
    {
        AssertMatches(new PolynomialDecay(0.1, 20), s => (0.1 - 0.0001) * (1 - Math.Min(s, 20) / 20.0) + 0.0001);
        AssertMatches(new PolynomialDecay(0.1, 20, endLearningRate: 0.01, power: 2.0),
            s => (0.1 - 0.01) * Math.Pow(1 - Math.Min(s, 20) / 20.0, 2) + 0.01);
    }

    [Test]
    public void PolynomialDecay_Cycle_MatchesFormula()
    {
        AssertMatches(new PolynomialDecay(0.1, 10, endLearningRate: 0.01, power: 0.5, cycle: true), s =>
        {
            double decaySteps = 10 * (s == 0 ? 1 : Math.Ceiling(s / 10.0));
            return (0.1 - 0.01) * Math.Pow(1 - s / decaySteps, 0.5) + 0.01;
        });
    }

    [Test]
    public void CosineDecay_MatchesFormula()
    {
        AssertMatches(new CosineDecay(0.1, 30, alpha: 0.1),
            s => 0.1 * ((1 - 0.1) * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(s, 30) / 30.0)) + 0.1));
    }

    [Test]
    public void CosineDecay_Warmup_MatchesFormula()
    {
        AssertMatches(new CosineDecay(0.0, 20, warmupTarget: 0.5, warmupSteps: 10), s =>
        {
            double step = Math.Min(s, 30);
            if (step < 10) return (0.5 - 0.0) * step / 10 + 0.0;
            return 0.5 * (0.5 * (1 + Math.Cos(Math.PI * (step - 10) / 20.0)));
        });
    }

    [Test]
    public void PiecewiseConstantDecay_BoundariesBelongToTheEarlierPiece()
    {
        var schedule = new PiecewiseConstantDecay(new long[] { 5, 10 }, new[] { 1.0, 0.5, 0.1 });
        AssertMatches(schedule, s => s <= 5 ? 1.0 : s <= 10 ? 0.5 : 0.1);
    }

    [Test]
    public void PiecewiseConstantDecay_WrongLengths_Throws()
    {
        Assert.That(() => new PiecewiseConstantDecay(new long[] { 5, 10 }, new[] { 1.0, 0.5 }),
            Throws.ArgumentException.With.Message.Contains("1 less than the length of values"));
    }

    [Test]
    public void DecaySteps_NotPositive_Throws()
    {
        Assert.That(() => new ExponentialDecay(0.1, 0, 0.5), Throws.InstanceOf<ArgumentException>().With.Message.Contains("decay_steps"));
        Assert.That(() => new CosineDecay(0.1, -3), Throws.InstanceOf<ArgumentException>().With.Message.Contains("decay_steps"));
    }

    private static IEnumerable<TestCaseData> DefaultConfigs()
    {
        yield return new TestCaseData(new ExponentialDecay(0.1, 100, 0.9), new JObject
        {
            ["initial_learning_rate"] = 0.1, ["decay_steps"] = 100, ["decay_rate"] = 0.9, ["staircase"] = false, ["name"] = "ExponentialDecay",
        }).SetArgDisplayNames("ExponentialDecay");
        yield return new TestCaseData(new PiecewiseConstantDecay(new long[] { 10 }, new[] { 0.1, 0.01 }), new JObject
        {
            ["boundaries"] = new JArray(10), ["values"] = new JArray(0.1, 0.01), ["name"] = "PiecewiseConstant",
        }).SetArgDisplayNames("PiecewiseConstantDecay");
        yield return new TestCaseData(new PolynomialDecay(0.1, 100), new JObject
        {
            ["initial_learning_rate"] = 0.1, ["decay_steps"] = 100, ["end_learning_rate"] = 0.0001, ["power"] = 1.0, ["cycle"] = false, ["name"] = "PolynomialDecay",
        }).SetArgDisplayNames("PolynomialDecay");
        yield return new TestCaseData(new CosineDecay(0.1, 100), new JObject
        {
            ["initial_learning_rate"] = 0.1, ["decay_steps"] = 100, ["alpha"] = 0.0, ["name"] = "CosineDecay", ["warmup_target"] = null, ["warmup_steps"] = 0,
        }).SetArgDisplayNames("CosineDecay");
        yield return new TestCaseData(new InverseTimeDecay(0.1, 100, 0.5), new JObject
        {
            ["initial_learning_rate"] = 0.1, ["decay_steps"] = 100, ["decay_rate"] = 0.5, ["staircase"] = false, ["name"] = "InverseTimeDecay",
        }).SetArgDisplayNames("InverseTimeDecay");
    }

    [TestCaseSource(nameof(DefaultConfigs))]
    public void DefaultConfig_EqualsKerasDefaults_AndRoundTrips(LearningRateSchedule schedule, JObject expected)
    {
        var config = schedule.GetConfig();
        Assert.That(config.Properties().Select(p => p.Name), Is.EqualTo(expected.Properties().Select(p => p.Name)));
        Assert.That(JToken.DeepEquals(config, expected), Is.True, config.ToString());
        var again = LearningRateSchedules.Get(LearningRateSchedules.Serialize(schedule));
        Assert.That(again.GetType(), Is.EqualTo(schedule.GetType()));
        Assert.That(JToken.DeepEquals(again.GetConfig(), config), Is.True);
        foreach (long step in Steps) Assert.That(again.Call(step), Is.EqualTo(schedule.Call(step)));
    }

    [Test]
    public void Get_LegacyEnvelope_Works()
    {
        var token = JObject.Parse("""{"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.5, "decay_steps": 7, "warmup_target": 1.0, "warmup_steps": 3}}""");
        var schedule = (CosineDecay)LearningRateSchedules.Get(token);
        Assert.That(schedule.WarmupTarget, Is.EqualTo(1.0));
        Assert.That(schedule.WarmupSteps, Is.EqualTo(3));
    }

    [Test]
    public void Get_Unknown_Throws()
    {
        Assert.That(() => LearningRateSchedules.Get(new JObject { ["class_name"] = "StepDecay" }),
            Throws.ArgumentException.With.Message.Contains("StepDecay"));
    }
}
