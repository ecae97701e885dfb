using System.Collections.Concurrent;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// Keras's automatic names for metrics built without one (<c>auc</c>, then <c>auc_1</c>, ...),
/// counted per base name for the process.
/// </summary>
internal static class MetricNames
{
    private static readonly ConcurrentDictionary<string, int> s_counts = new();

    public static string Unique(string baseName)
    {
        int n = s_counts.AddOrUpdate(baseName, 0, (_, c) => c + 1);
        return n == 0 ? baseName : $"{baseName}_{n}";
    }
}
