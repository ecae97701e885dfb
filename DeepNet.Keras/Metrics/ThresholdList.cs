using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>Threshold arguments of the confusion metrics: a number, a list, or null for the default.</summary>
internal static class ThresholdList
{
    public static double[] Parse(double[]? thresholds, double defaultThreshold, string metric)
    {
        if (thresholds is null) return [defaultThreshold];
        if (thresholds.Length == 0) throw new ArgumentException($"{metric}: thresholds must not be empty.", nameof(thresholds));
        foreach (double t in thresholds)
            if (!(t >= 0 && t <= 1))
                throw new ArgumentOutOfRangeException(nameof(thresholds), $"Threshold values must be in [0, 1]. Received: {t}");
        return (double[])thresholds.Clone();
    }

    /// <summary>A single threshold is written as a number, several as a list, as given.</summary>
    public static JToken ToToken(double[]? thresholds) => thresholds switch
    {
        null => JValue.CreateNull(),
        { Length: 1 } => new JValue(thresholds[0]),
        _ => new JArray(thresholds),
    };

    public static double[]? Read(JToken? token) => token switch
    {
        null or { Type: JTokenType.Null } => null,
        JArray array => array.Select(t => (double)t).ToArray(),
        _ => [(double)token],
    };
}
