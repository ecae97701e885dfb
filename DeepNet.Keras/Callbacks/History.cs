namespace DeepNet.Keras.Callbacks;

/// <summary>
/// Records the epoch logs (Keras <c>History</c>); always attached by Fit and returned by it.
/// <see cref="HistoryDict"/> maps each key (<c>loss</c>, <c>val_accuracy</c>...) to its value per epoch.
/// </summary>
public sealed class History : Callback
{
    /// <summary>The 0-based indices of the epochs run (Keras <c>history.epoch</c>).</summary>
    public List<int> Epoch { get; } = new();

    /// <summary>Key → one value per epoch (Keras <c>history.history</c>).</summary>
    public Dictionary<string, List<double>> HistoryDict { get; } = new(StringComparer.Ordinal);

    public override void OnTrainBegin(IDictionary<string, double>? logs = null)
    {
        Epoch.Clear();
        HistoryDict.Clear();
    }

    public override void OnEpochEnd(int epoch, IDictionary<string, double>? logs = null)
    {
        Epoch.Add(epoch);
        if (logs is null) return;
        foreach (var (k, v) in logs)
        {
            if (!HistoryDict.TryGetValue(k, out var list)) HistoryDict[k] = list = new List<double>();
            list.Add(v);
        }
    }

    /// <summary>The values of <paramref name="key"/>, or an error listing the keys there are.</summary>
    public IReadOnlyList<double> this[string key] =>
        HistoryDict.TryGetValue(key, out var v) ? v
        : throw new KeyNotFoundException($"History has no key '{key}'. Available keys: {string.Join(", ", HistoryDict.Keys)}.");
}
