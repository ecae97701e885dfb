using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Losses;

/// <summary>
/// Huber loss (Keras <c>Huber</c>, name "huber_loss", delta 1.0): per element ½e² where
/// |e| ≤ δ, else δ·|e| − ½δ², averaged over the last axis. Computed as ½q² + δ(|e| − q) with
/// q = min(|e|, δ), which equals both branches without a select.
/// </summary>
public sealed class Huber : Loss
{
    public Huber(double delta = 1.0, Reduction reduction = Reduction.SumOverBatchSize, string name = "huber_loss") : base(name, reduction)
    {
        if (!(delta >= 0))
            throw new ArgumentOutOfRangeException(nameof(delta), $"Huber: delta must be non-negative, got {delta}.");
        Delta = delta;
    }

    public double Delta { get; }

    public override string ClassName => "Huber";

    /// <inheritdoc/>
    protected override Tensor Compute(Tensor yTrue, Tensor yPred)
    {
        float delta = (float)Delta;
        var absError = Ops.Abs(Ops.Subtract(yPred, yTrue));
        var quadratic = Ops.Minimum(absError, delta);
        var linear = Ops.Subtract(absError, quadratic);
        var perElement = Ops.Add(Ops.Multiply(Ops.Square(quadratic), 0.5f), Ops.Multiply(linear, delta));
        return Ops.Mean(perElement, [-1]);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["delta"] = Delta;
        return config;
    }

    public static Huber FromConfig(JObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new Huber(config.Value<double?>("delta") ?? 1.0, ReadReduction(config), ReadName(config, "huber_loss"));
    }
}
