using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// Lion (Keras <c>keras.optimizers.Lion</c>): w ← w − lr·sign(β₁m + (1−β₁)g); m ← β₂m + (1−β₂)g.
/// </summary>
public sealed class Lion : Optimizer
{
    public Lion(LearningRateArgument? learningRate = null, double beta1 = 0.9, double beta2 = 0.99,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string? name = null)
        : this(new OptimizerOptions(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum,
            emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps, name), beta1, beta2)
    {
    }

    private Lion(OptimizerOptions options, double beta1, double beta2) : base("Lion", options)
    {
        if (!(beta1 > 0 && beta1 <= 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer degenerates to SignSGD. Received: beta_1={beta1}.");
        Beta1 = beta1;
        Beta2 = beta2;
    }

    public double Beta1 { get; }

    public double Beta2 { get; }

    protected override void CreateSlots(IReadOnlyList<Variable> variables) =>
        SetKernelSlots(AddOptimizerVariables(variables, ["momentum"])[0]);

    protected override OptimizerStep PrepareStep(float learningRate, long iteration) =>
        new(OptimizerKind.Lion, learningRate, iteration, Beta1: (float)Beta1, Beta2: (float)Beta2);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["beta_1"] = Beta1;
        config["beta_2"] = Beta2;
        return config;
    }

    public static Lion FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(Lion));
        var optimizer = new Lion(OptimizerOptions.Read(r, 0.001), r.Double("beta_1", 0.9), r.Double("beta_2", 0.99));
        r.ThrowIfUnread();
        return optimizer;
    }
}
