using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// Adam (Keras <c>keras.optimizers.Adam</c>): m ← m + (1−β₁)(g−m); v ← v + (1−β₂)(g²−v);
/// amsgrad: v̂ ← max(v̂, v) used for v; α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ); w ← w − α·m/(√v + ε)
/// (ε added to the uncorrected √v).
/// </summary>
public class Adam : Optimizer
{
    public Adam(LearningRateArgument? learningRate = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string? name = null)
        : this("Adam", new OptimizerOptions(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum,
            emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps, name), beta1, beta2, epsilon, amsgrad)
    {
    }

    private protected Adam(string className, OptimizerOptions options, double beta1, double beta2, double epsilon, bool amsgrad)
        : base(className, options)
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        Amsgrad = amsgrad;
    }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Epsilon { get; }

    public bool Amsgrad { get; }

    protected override void CreateSlots(IReadOnlyList<Variable> variables)
    {
        // m and v interleaved per variable, then (amsgrad) all v̂ in a second pass, as Keras.
        var mv = AddOptimizerVariables(variables, ["momentum", "velocity"]);
        if (Amsgrad) SetKernelSlots(mv[0], mv[1], AddOptimizerVariables(variables, ["velocity_hat"])[0]);
        else SetKernelSlots(mv[0], mv[1]);
    }

    protected override OptimizerStep PrepareStep(float learningRate, long iteration) =>
        new(OptimizerKind.Adam, learningRate, iteration, Beta1: (float)Beta1, Beta2: (float)Beta2, Epsilon: (float)Epsilon, Amsgrad: Amsgrad);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["beta_1"] = Beta1;
        config["beta_2"] = Beta2;
        config["epsilon"] = Epsilon;
        config["amsgrad"] = Amsgrad;
        return config;
    }

    public static Adam FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(Adam));
        var optimizer = new Adam("Adam", OptimizerOptions.Read(r, 0.001), r.Double("beta_1", 0.9), r.Double("beta_2", 0.999), r.Double("epsilon", 1e-7), r.Bool("amsgrad", false));
        r.ThrowIfUnread();
        return optimizer;
    }
}
