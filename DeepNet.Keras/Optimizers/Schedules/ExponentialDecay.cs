using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers.Schedules;

/// <summary>
/// lr = initial_learning_rate · decay_rate^(step / decay_steps), the exponent floored when
/// <c>staircase</c> (Keras <c>keras.optimizers.schedules.ExponentialDecay</c>).
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    public ExponentialDecay(double initialLearningRate, int decaySteps, double decayRate, bool staircase = false, string name = "ExponentialDecay")
    {
        CheckDecaySteps(decaySteps);
        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        DecayRate = decayRate;
        Staircase = staircase;
        Name = name;
    }

    public double InitialLearningRate { get; }

    public int DecaySteps { get; }

    public double DecayRate { get; }

    public bool Staircase { get; }

    public override string Name { get; }

    public override string ClassName => "ExponentialDecay";

    protected override double Compute(long step)
    {
        double p = (double)step / DecaySteps;
        if (Staircase) p = Math.Floor(p);
        return InitialLearningRate * Math.Pow(DecayRate, p);
    }

    public override JObject GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["decay_rate"] = DecayRate,
        ["staircase"] = Staircase,
        ["name"] = Name,
    };

    public static ExponentialDecay FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(ExponentialDecay));
        var schedule = new ExponentialDecay(
            r.NullableDouble("initial_learning_rate") ?? throw Missing("initial_learning_rate"),
            r.NullableInt("decay_steps") ?? throw Missing("decay_steps"),
            r.NullableDouble("decay_rate") ?? throw Missing("decay_rate"),
            r.Bool("staircase", false),
            r.String("name") ?? "ExponentialDecay");
        r.ThrowIfUnread();
        return schedule;
    }

    private static ArgumentException Missing(string key) => new($"ExponentialDecay: the config needs \"{key}\".");
}
