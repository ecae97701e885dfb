using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers.Schedules;

/// <summary>
/// lr = (initial − end) · (1 − step/decay_steps)^power + end, with step capped at decay_steps; with
/// <c>cycle</c>, decay_steps grows to the first multiple of itself not below step (Keras
/// <c>keras.optimizers.schedules.PolynomialDecay</c>).
/// </summary>
public sealed class PolynomialDecay : LearningRateSchedule
{
    public PolynomialDecay(double initialLearningRate, int decaySteps, double endLearningRate = 0.0001, double power = 1.0, bool cycle = false, string name = "PolynomialDecay")
    {
        CheckDecaySteps(decaySteps);
        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        EndLearningRate = endLearningRate;
        Power = power;
        Cycle = cycle;
        Name = name;
    }

    public double InitialLearningRate { get; }

    public int DecaySteps { get; }

    public double EndLearningRate { get; }

    public double Power { get; }

    public bool Cycle { get; }

    public override string Name { get; }

    public override string ClassName => "PolynomialDecay";

    protected override double Compute(long step)
    {
        double globalStep = step;
        double decaySteps = DecaySteps;
        if (Cycle)
        {
            // Step 0 uses a multiplier of 1 rather than 0, as Keras does.
            double multiplier = globalStep == 0 ? 1 : Math.Ceiling(globalStep / DecaySteps);
            decaySteps *= multiplier;
        }
        else
        {
            globalStep = Math.Min(globalStep, decaySteps);
        }
        double p = globalStep / decaySteps;
        return (InitialLearningRate - EndLearningRate) * Math.Pow(1 - p, Power) + EndLearningRate;
    }

    public override JObject GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["end_learning_rate"] = EndLearningRate,
        ["power"] = Power,
        ["cycle"] = Cycle,
        ["name"] = Name,
    };

    public static PolynomialDecay FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(PolynomialDecay));
        var schedule = new PolynomialDecay(
            r.NullableDouble("initial_learning_rate") ?? throw Missing("initial_learning_rate"),
            r.NullableInt("decay_steps") ?? throw Missing("decay_steps"),
            r.Double("end_learning_rate", 0.0001),
            r.Double("power", 1.0),
            r.Bool("cycle", false),
            r.String("name") ?? "PolynomialDecay");
        r.ThrowIfUnread();
        return schedule;
    }

    private static ArgumentException Missing(string key) => new($"PolynomialDecay: the config needs \"{key}\".");
}
