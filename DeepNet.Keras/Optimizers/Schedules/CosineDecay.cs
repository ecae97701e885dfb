using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers.Schedules;

/// <summary>
/// Cosine decay with optional linear warmup (Keras <c>keras.optimizers.schedules.CosineDecay</c>).
/// Without <c>warmup_target</c>: lr = initial · ((1 − α)·½(1 + cos(π·s/decay_steps)) + α) with
/// s = min(step, decay_steps). With it: for step &lt; warmup_steps the rate goes linearly from
/// initial to warmup_target, then decays from warmup_target over decay_steps.
/// </summary>
public sealed class CosineDecay : LearningRateSchedule
{
    public CosineDecay(double initialLearningRate, int decaySteps, double alpha = 0.0, string name = "CosineDecay", double? warmupTarget = null, int warmupSteps = 0)
    {
        CheckDecaySteps(decaySteps);
        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        Alpha = alpha;
        Name = name;
        WarmupTarget = warmupTarget;
        WarmupSteps = warmupSteps;
    }

    public double InitialLearningRate { get; }

    public int DecaySteps { get; }

    public double Alpha { get; }

    public double? WarmupTarget { get; }

    public int WarmupSteps { get; }

    public override string Name { get; }

    public override string ClassName => "CosineDecay";

    protected override double Compute(long step)
    {
        double s = step;
        if (WarmupTarget is not double target)
            return Decay(Math.Min(s, DecaySteps), InitialLearningRate);
        s = Math.Min(s, DecaySteps + WarmupSteps);
        if (s < WarmupSteps)
            return (target - InitialLearningRate) * (s / WarmupSteps) + InitialLearningRate;
        return Decay(s - WarmupSteps, target);
    }

    private double Decay(double s, double from)
    {
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * s / DecaySteps));
        return from * ((1 - Alpha) * cosine + Alpha);
    }

    public override JObject GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["alpha"] = Alpha,
        ["name"] = Name,
        ["warmup_target"] = WarmupTarget,
        ["warmup_steps"] = WarmupSteps,
    };

    public static CosineDecay FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(CosineDecay));
        var schedule = new CosineDecay(
            r.NullableDouble("initial_learning_rate") ?? throw new ArgumentException("CosineDecay: the config needs \"initial_learning_rate\"."),
            r.NullableInt("decay_steps") ?? throw new ArgumentException("CosineDecay: the config needs \"decay_steps\"."),
            r.Double("alpha", 0.0),
            r.String("name") ?? "CosineDecay",
            r.NullableDouble("warmup_target"),
            r.Int("warmup_steps", 0));
        r.ThrowIfUnread();
        return schedule;
    }
}
