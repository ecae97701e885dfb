using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers.Schedules;

/// <summary>
/// lr = initial_learning_rate / (1 + decay_rate · step / decay_steps), the ratio floored when
/// <c>staircase</c> (Keras <c>keras.optimizers.schedules.InverseTimeDecay</c>).
/// </summary>
public sealed class InverseTimeDecay : StepDecaySchedule
{
    public InverseTimeDecay(double initialLearningRate, int decaySteps, double decayRate, bool staircase = false, string name = "InverseTimeDecay")
        : base(initialLearningRate, decaySteps, decayRate, staircase, name)
    {
    }

    public override string ClassName => "InverseTimeDecay";

    protected override double Decay(double p) => InitialLearningRate / (1 + DecayRate * p);

    public static InverseTimeDecay FromConfig(JObject config) =>
        FromConfig(config, nameof(InverseTimeDecay), (lr, steps, rate, staircase, name) => new InverseTimeDecay(lr, steps, rate, staircase, name));
}
