using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers.Schedules;

/// <summary>
/// A learning rate that depends on the optimizer step (Keras
/// <c>keras.optimizers.schedules.LearningRateSchedule</c>). The optimizer calls it with its
/// iteration counter before each update: 0 at the first step.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate at <paramref name="step"/>.</summary>
    public float Call(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, $"{ClassName}: step must be >= 0.");
        return (float)Compute(step);
    }

    /// <summary>The schedule's formula, evaluated in double precision.</summary>
    protected abstract double Compute(long step);

    /// <summary>Keras class name, e.g. <c>ExponentialDecay</c>.</summary>
    public abstract string ClassName { get; }

    /// <summary>Keras's <c>name</c> argument (only used for naming in Keras).</summary>
    public abstract string Name { get; }

    /// <summary>The constructor arguments under Keras's key names.</summary>
    public abstract JObject GetConfig();

    /// <summary>Keras raises for decay_steps &lt;= 0 in every decaying schedule.</summary>
    private protected static void CheckDecaySteps(int decaySteps)
    {
        if (decaySteps <= 0)
            throw new ArgumentOutOfRangeException(nameof(decaySteps), decaySteps, $"Argument `decay_steps` must be > 0. Received: decay_steps={decaySteps}");
    }
}
