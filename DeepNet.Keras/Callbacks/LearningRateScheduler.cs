using System.Globalization;

namespace DeepNet.Keras.Callbacks;

/// <summary>
/// Sets the learning rate at the start of each epoch from <c>schedule(epoch, currentLr)</c>
/// (Keras <c>LearningRateScheduler</c>; epoch is 0-based); logs <c>learning_rate</c> at epoch end.
/// Keras default: verbose=0.
/// </summary>
public sealed class LearningRateScheduler : Callback
{
    private readonly Func<int, double, double> _schedule;

    public LearningRateScheduler(Func<int, double, double> schedule, int verbose = 0)
    {
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        Verbose = verbose;
    }

    /// <summary>A schedule of the epoch only.</summary>
    public LearningRateScheduler(Func<int, double> schedule, int verbose = 0)
        : this((epoch, _) => (schedule ?? throw new ArgumentNullException(nameof(schedule)))(epoch), verbose) { }

    public int Verbose { get; }

    public override void OnEpochBegin(int epoch, IDictionary<string, double>? logs = null)
    {
        var optimizer = Model!.Optimizer ?? throw new InvalidOperationException("LearningRateScheduler needs a compiled model.");
        double lr = _schedule(epoch, optimizer.LearningRate);
        if (double.IsNaN(lr) || double.IsInfinity(lr))
            throw new ArgumentException($"The output of the `schedule` function should be a finite float. Got: {lr}");
        optimizer.LearningRate = (float)lr;
        if (Verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr.ToString(CultureInfo.InvariantCulture)}.");
    }

    public override void OnEpochEnd(int epoch, IDictionary<string, double>? logs = null)
    {
        if (logs is not null) logs["learning_rate"] = Model!.Optimizer!.LearningRate;
    }
}
