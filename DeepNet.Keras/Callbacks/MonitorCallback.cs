namespace DeepNet.Keras.Callbacks;

/// <summary>
/// Shared logic of callbacks that watch one logged value (Keras 3 <c>MonitorCallback</c>):
/// the mode (min, max, or auto from the name) and the improvement test with a min_delta.
/// An unknown mode is an error (Keras only warns and falls back to auto).
/// </summary>
public abstract class MonitorCallback : Callback
{
    private bool? _greaterIsBetter;

    protected MonitorCallback(string monitor, string mode, double minDelta)
    {
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        if (mode is not ("auto" or "min" or "max"))
            throw new ArgumentException($"{GetType().Name} mode must be \"auto\", \"min\" or \"max\". Received: mode={mode}", nameof(mode));
        Monitor = monitor;
        Mode = mode;
        MinDelta = Math.Abs(minDelta);
    }

    /// <summary>The log key watched (<c>val_loss</c>).</summary>
    public string Monitor { get; }

    public string Mode { get; }

    public double MinDelta { get; }

    /// <summary>True when larger values are better (mode max, or auto on an accuracy-like name).</summary>
    protected bool GreaterIsBetter => _greaterIsBetter ??= ResolveDirection();

    private bool ResolveDirection()
    {
        if (Mode == "min") return false;
        if (Mode == "max") return true;
        string name = Monitor.StartsWith("val_", StringComparison.Ordinal) ? Monitor[4..] : Monitor;
        if (name == "loss" || name.EndsWith("_loss", StringComparison.Ordinal) || name.EndsWith("error", StringComparison.Ordinal)
            || name is "mse" or "mae" or "mape" or "msle" or "crossentropy" || name.EndsWith("crossentropy", StringComparison.Ordinal)
            || name.EndsWith("hinge", StringComparison.Ordinal) || name.EndsWith("divergence", StringComparison.Ordinal))
            return false;
        if (name.EndsWith("acc", StringComparison.Ordinal) || name.EndsWith("accuracy", StringComparison.Ordinal) || name.EndsWith("auc", StringComparison.Ordinal)
            || name.EndsWith("precision", StringComparison.Ordinal) || name.EndsWith("recall", StringComparison.Ordinal))
            return true;
        throw new ArgumentException(
            $"{GetType().Name} callback received monitor={Monitor}, but DeepNet isn't able to automatically determine whether that metric should be maximized or minimized. " +
            "Pass mode: \"max\" in order to monitor based on the highest metric value, or mode: \"min\" in order to use the lowest value.");
    }

    /// <summary>Whether <paramref name="current"/> beats <paramref name="reference"/> by more than min_delta (null reference: always).</summary>
    protected bool IsImprovement(double current, double? reference)
    {
        if (reference is not double r) return true;
        return GreaterIsBetter ? current - MinDelta > r : current + MinDelta < r;
    }

    /// <summary>The watched value, or null with a warning listing the keys there are.</summary>
    protected double? MonitorValue(IDictionary<string, double>? logs, string what)
    {
        if (logs is not null && logs.TryGetValue(Monitor, out double v)) return v;
        Console.Error.WriteLine($"{what} conditioned on metric `{Monitor}` which is not available. Available metrics are: {string.Join(",", logs?.Keys ?? Array.Empty<string>())}");
        return null;
    }
}
