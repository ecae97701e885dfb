using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// Adadelta (Keras <c>keras.optimizers.Adadelta</c>): Eg ← ρEg + (1−ρ)g²;
/// Δ = −√(Ex+ε)/√(Eg+ε)·g; Ex ← ρEx + (1−ρ)Δ²; w ← w + lr·Δ.
/// </summary>
public sealed class Adadelta : Optimizer
{
    public Adadelta(LearningRateArgument? learningRate = null, double rho = 0.95, double epsilon = 1e-7,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string? name = null)
        : this(new OptimizerOptions(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum,
            emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps, name), rho, epsilon)
    {
    }

    private Adadelta(OptimizerOptions options, double rho, double epsilon) : base("Adadelta", options)
    {
        Rho = rho;
        Epsilon = epsilon;
    }

    public double Rho { get; }

    public double Epsilon { get; }

    protected override void CreateSlots(IReadOnlyList<Variable> variables)
    {
        var slots = AddOptimizerVariables(variables, ["accumulated_grad", "accumulated_delta_var"]);
        SetKernelSlots(slots[0], slots[1]);
    }

    protected override OptimizerStep PrepareStep(float learningRate, long iteration) =>
        new(OptimizerKind.Adadelta, learningRate, iteration, Epsilon: (float)Epsilon, Rho: (float)Rho);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["rho"] = Rho;
        config["epsilon"] = Epsilon;
        return config;
    }

    public static Adadelta FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(Adadelta));
        var optimizer = new Adadelta(OptimizerOptions.Read(r, 0.001), r.Double("rho", 0.95), r.Double("epsilon", 1e-7));
        r.ThrowIfUnread();
        return optimizer;
    }
}
