using System.Text.RegularExpressions;

namespace DeepNet.Keras.Utils;

/// <summary>
/// Default object names as Keras makes them (<c>keras.src.backend.common.global_state.get_uid</c>):
/// the first <c>dense</c>, then <c>dense_1</c>, <c>dense_2</c>... counted per prefix for the whole
/// process until <see cref="KerasSession.ClearSession"/> resets them.
/// </summary>
public static partial class UniqueNames
{
    private static readonly Dictionary<string, int> s_counts = new(StringComparer.Ordinal);
    private static readonly object s_lock = new();

    /// <summary>The next free name for <paramref name="prefix"/>.</summary>
    public static string Next(string prefix)
    {
        lock (s_lock)
        {
            s_counts.TryGetValue(prefix, out int n);
            s_counts[prefix] = n + 1;
            return n == 0 ? prefix : $"{prefix}_{n}";
        }
    }

    internal static void Reset()
    {
        lock (s_lock) s_counts.Clear();
    }

    /// <summary>Keras's <c>to_snake_case</c>: Dense → dense, BatchNormalization → batch_normalization, ReLU → re_lu.</summary>
    public static string ToSnakeCase(string name)
    {
        string intermediate = CamelWord().Replace(name, "$1_$2");
        string result = LowerUpper().Replace(intermediate, "$1_$2").ToLowerInvariant();
        return result.StartsWith('_') ? "private" + result : result;
    }

    [GeneratedRegex("(.)([A-Z][a-z0-9]+)")]
    private static partial Regex CamelWord();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex LowerUpper();
}
