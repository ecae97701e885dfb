using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers.Schedules;

/// <summary>
/// What ExponentialDecay and InverseTimeDecay share: the arguments (initial_learning_rate,
/// decay_steps, decay_rate, staircase, name), their config, and the progress
/// p = step / decay_steps, floored when <c>staircase</c>. Each subclass gives lr as a function of p.
/// </summary>
public abstract class StepDecaySchedule : LearningRateSchedule
{
    protected StepDecaySchedule(double initialLearningRate, int decaySteps, double decayRate, bool staircase, string name)
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

    /// <summary>The learning rate at progress <paramref name="p"/> (in decay periods).</summary>
    protected abstract double Decay(double p);

    protected override double Compute(long step)
    {
        double p = (double)step / DecaySteps;
        if (Staircase) p = Math.Floor(p);
        return Decay(p);
    }

    public override JObject GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["decay_rate"] = DecayRate,
        ["staircase"] = Staircase,
        ["name"] = Name,
    };

    /// <summary>Reads the shared config keys and builds the schedule with <paramref name="create"/>.</summary>
    private protected static T FromConfig<T>(JObject config, string className, Func<double, int, double, bool, string, T> create)
    {
        var r = new OptimizerConfigReader(config, className);
        var schedule = create(
            r.NullableDouble("initial_learning_rate") ?? throw Missing(className, "initial_learning_rate"),
            r.NullableInt("decay_steps") ?? throw Missing(className, "decay_steps"),
            r.NullableDouble("decay_rate") ?? throw Missing(className, "decay_rate"),
            r.Bool("staircase", false),
            r.String("name") ?? className);
        r.ThrowIfUnread();
        return schedule;
    }

    private static ArgumentException Missing(string className, string key) => new($"{className}: the config needs \"{key}\".");
}
