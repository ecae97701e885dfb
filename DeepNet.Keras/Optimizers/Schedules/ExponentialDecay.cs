using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers.Schedules;

/// <summary>
/// lr = initial_learning_rate · decay_rate^(step / decay_steps), the exponent floored when
/// <c>staircase</c> (Keras <c>keras.optimizers.schedules.ExponentialDecay</c>).
/// </summary>
public sealed class ExponentialDecay : StepDecaySchedule
{
    public ExponentialDecay(double initialLearningRate, int decaySteps, double decayRate, bool staircase = false, string name = "ExponentialDecay")
        : base(initialLearningRate, decaySteps, decayRate, staircase, name)
    {
    }

    public override string ClassName => "ExponentialDecay";

    protected override double Decay(double p) => InitialLearningRate * Math.Pow(DecayRate, p);

    public static ExponentialDecay FromConfig(JObject config) =>
        FromConfig(config, nameof(ExponentialDecay), (lr, steps, rate, staircase, name) => new ExponentialDecay(lr, steps, rate, staircase, name));
}
