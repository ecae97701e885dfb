using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// Adamax, Adam with the infinity norm (Keras <c>keras.optimizers.Adamax</c>):
/// m ← m + (1−β₁)(g−m); u ← max(β₂u, |g|); w ← w − lr·m/((1−β₁ᵗ)(u+ε)).
/// </summary>
public sealed class Adamax : Optimizer
{
    public Adamax(LearningRateArgument? learningRate = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string? name = null)
        : this(new OptimizerOptions(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum,
            emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps, name), beta1, beta2, epsilon)
    {
    }

    private Adamax(OptimizerOptions options, double beta1, double beta2, double epsilon) : base("Adamax", options)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    protected override void CreateSlots(IReadOnlyList<Variable> variables)
    {
        var slots = AddOptimizerVariables(variables, ["momentum", "norm"]);
        SetKernelSlots(slots[0], slots[1]);
    }

    protected override OptimizerStep PrepareStep(float learningRate, long iteration) =>
        new(OptimizerKind.Adamax, learningRate, iteration, Beta1: (float)Beta1, Beta2: (float)Beta2, Epsilon: (float)Epsilon);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["beta_1"] = Beta1;
        config["beta_2"] = Beta2;
        config["epsilon"] = Epsilon;
        return config;
    }

    public static Adamax FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(Adamax));
        var optimizer = new Adamax(OptimizerOptions.Read(r, 0.001), r.Double("beta_1", 0.9), r.Double("beta_2", 0.999), r.Double("epsilon", 1e-7));
        r.ThrowIfUnread();
        return optimizer;
    }
}
