using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers.Schedules;

/// <summary>
/// A step function (Keras <c>keras.optimizers.schedules.PiecewiseConstantDecay</c>):
/// values[0] while step ≤ boundaries[0], values[i] while boundaries[i−1] &lt; step ≤ boundaries[i],
/// and values[^1] after the last boundary.
/// </summary>
public sealed class PiecewiseConstantDecay : LearningRateSchedule
{
    private readonly long[] _boundaries;
    private readonly double[] _values;

    public PiecewiseConstantDecay(IReadOnlyList<long> boundaries, IReadOnlyList<double> values, string name = "PiecewiseConstant")
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        ArgumentNullException.ThrowIfNull(values);
        if (boundaries.Count != values.Count - 1)
            throw new ArgumentException($"The length of boundaries should be 1 less than the length of values. Received: boundaries=[{string.Join(", ", boundaries)}] of length {boundaries.Count}, and values=[{string.Join(", ", values)}] of length {values.Count}.", nameof(boundaries));
        _boundaries = boundaries.ToArray();
        _values = values.ToArray();
        Name = name;
    }

    public IReadOnlyList<long> Boundaries => _boundaries;

    public IReadOnlyList<double> Values => _values;

    public override string Name { get; }

    public override string ClassName => "PiecewiseConstantDecay";

    protected override double Compute(long step)
    {
        for (int i = 0; i < _boundaries.Length; i++)
        {
            if (step <= _boundaries[i]) return _values[i];
        }
        return _values[^1];
    }

    public override JObject GetConfig() => new()
    {
        ["boundaries"] = new JArray(_boundaries),
        ["values"] = new JArray(_values),
        ["name"] = Name,
    };

    public static PiecewiseConstantDecay FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(PiecewiseConstantDecay));
        var boundaries = r.Raw("boundaries") as JArray ?? throw new ArgumentException("PiecewiseConstantDecay: the config needs a \"boundaries\" list.");
        var values = r.Raw("values") as JArray ?? throw new ArgumentException("PiecewiseConstantDecay: the config needs a \"values\" list.");
        var schedule = new PiecewiseConstantDecay(
            boundaries.Select(b => (long)b).ToArray(),
            values.Select(v => (double)v).ToArray(),
            r.String("name") ?? "PiecewiseConstant");
        r.ThrowIfUnread();
        return schedule;
    }
}
