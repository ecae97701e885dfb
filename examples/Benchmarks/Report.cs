using System.Globalization;

namespace DeepNet.Benchmarks;

/// <summary>
/// Writes results in the peer suite's format (bench/peers/README.md), so summarize.py reads DeepNet's
/// numbers and the peers' into one table: a '#' line with every repetition, then
/// RESULT &lt;workload&gt; &lt;peer&gt; &lt;metric&gt; &lt;median&gt; &lt;min&gt; &lt;max&gt; &lt;n&gt; &lt;unit&gt;, tab separated.
/// </summary>
internal sealed class Report(string peer, TextWriter output)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public string Peer { get; } = peer;

    /// <summary>An informational line (prefixed with '#').</summary>
    public void Info(string text)
    {
        output.WriteLine("# " + text);
        output.Flush();
    }

    public void Emit(string workload, string metric, IReadOnlyList<double> values, string unit)
    {
        output.WriteLine($"# {workload} {metric} reps: " + string.Join(" ", values.Select(x => x.ToString("G4", Invariant))));
        var sorted = values.Order().ToArray();
        int count = sorted.Length;
        double median = count % 2 == 1 ? sorted[count / 2] : 0.5 * (sorted[count / 2 - 1] + sorted[count / 2]);
        output.WriteLine(string.Join("\t", "RESULT", workload, Peer, metric,
            median.ToString("G6", Invariant), sorted[0].ToString("G6", Invariant), sorted[^1].ToString("G6", Invariant),
            count.ToString(Invariant), unit));
        output.Flush();
    }
}
