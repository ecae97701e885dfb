using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// RMSprop (Keras <c>keras.optimizers.RMSprop</c>): v ← ρv + (1−ρ)g²; centered: a ← ρa + (1−ρ)g and
/// D = v − a² + ε, else D = v + ε (ε inside the square root); Δ = lr·g/√D; with momentum
/// m ← μm + Δ, w ← w − m, else w ← w − Δ.
/// </summary>
public sealed class RMSprop : Optimizer
{
    public RMSprop(LearningRateArgument? learningRate = null, double rho = 0.9, double momentum = 0.0, double epsilon = 1e-7, bool centered = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string? name = null)
        : this(new OptimizerOptions(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum,
            emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps, name), rho, momentum, epsilon, centered)
    {
    }

    private RMSprop(OptimizerOptions options, double rho, double momentum, double epsilon, bool centered) : base("RMSprop", options)
    {
        Rho = rho;
        Momentum = momentum;
        Epsilon = epsilon;
        Centered = centered;
    }

    public double Rho { get; }

    public double Momentum { get; }

    public double Epsilon { get; }

    public bool Centered { get; }

    protected override void CreateSlots(IReadOnlyList<Variable> variables)
    {
        // Keras creates each kind in its own pass: all velocities, then all momentums, then all
        // average gradients; the kernel takes them per variable in that same order.
        var groups = new List<Variable[]> { AddOptimizerVariables(variables, ["velocity"])[0] };
        if (Momentum > 0) groups.Add(AddOptimizerVariables(variables, ["momentum"])[0]);
        if (Centered) groups.Add(AddOptimizerVariables(variables, ["average_gradient"])[0]);
        SetKernelSlots(groups.ToArray());
    }

    protected override OptimizerStep PrepareStep(float learningRate, long iteration) =>
        new(OptimizerKind.RmsProp, learningRate, iteration, Epsilon: (float)Epsilon, Momentum: (float)Momentum, Rho: (float)Rho, Centered: Centered);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["rho"] = Rho;
        config["momentum"] = Momentum;
        config["epsilon"] = Epsilon;
        config["centered"] = Centered;
        return config;
    }

    public static RMSprop FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(RMSprop));
        var optimizer = new RMSprop(OptimizerOptions.Read(r, 0.001), r.Double("rho", 0.9), r.Double("momentum", 0.0), r.Double("epsilon", 1e-7), r.Bool("centered", false));
        r.ThrowIfUnread();
        return optimizer;
    }
}
