using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers.Schedules;

/// <summary>
/// lr = initial_learning_rate / (1 + decay_rate · step / decay_steps), the ratio floored when
/// <c>staircase</c> (Keras <c>keras.optimizers.schedules.InverseTimeDecay</c>).
/// </summary>
public sealed class InverseTimeDecay : LearningRateSchedule
{
    public InverseTimeDecay(double initialLearningRate, int decaySteps, double decayRate, bool staircase = false, string name = "InverseTimeDecay")
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

    public override string ClassName => "InverseTimeDecay";

    protected override double Compute(long step)
    {
        double p = (double)step / DecaySteps;
        if (Staircase) p = Math.Floor(p);
        return InitialLearningRate / (1 + DecayRate * p);
    }

    public override JObject GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["decay_rate"] = DecayRate,
        ["staircase"] = Staircase,
        ["name"] = Name,
    };

    public static InverseTimeDecay FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(InverseTimeDecay));
        var schedule = new InverseTimeDecay(
            r.NullableDouble("initial_learning_rate") ?? throw Missing("initial_learning_rate"),
            r.NullableInt("decay_steps") ?? throw Missing("decay_steps"),
            r.NullableDouble("decay_rate") ?? throw Missing("decay_rate"),
            r.Bool("staircase", false),
            r.String("name") ?? "InverseTimeDecay");
        r.ThrowIfUnread();
        return schedule;
    }

    private static ArgumentException Missing(string key) => new($"InverseTimeDecay: the config needs \"{key}\".");
}
