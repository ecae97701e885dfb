using DeepNet.Keras.Optimizers.Schedules;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// The <c>learning_rate</c> argument of an optimizer, as Keras accepts it: a constant or a
/// <see cref="LearningRateSchedule"/>. Converts implicitly from both, so callers write
/// <c>new Adam(learningRate: 0.01)</c> or <c>new Adam(learningRate: new ExponentialDecay(...))</c>.
/// </summary>
public readonly struct LearningRateArgument
{
    private LearningRateArgument(float value, LearningRateSchedule? schedule)
    {
        Value = value;
        Schedule = schedule;
    }

    /// <summary>The constant rate (unused when <see cref="Schedule"/> is set).</summary>
    public float Value { get; }

    /// <summary>The schedule, or null for a constant rate.</summary>
    public LearningRateSchedule? Schedule { get; }

    public static implicit operator LearningRateArgument(float value) => new(value, null);

    public static implicit operator LearningRateArgument(double value) => new((float)value, null);

    public static implicit operator LearningRateArgument(LearningRateSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return new(0f, schedule);
    }

    public override string ToString() => Schedule is null ? Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : Schedule.ClassName;
}
