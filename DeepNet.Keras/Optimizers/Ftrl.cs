using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// FTRL-Proximal (Keras <c>keras.optimizers.Ftrl</c>). With p = learning_rate_power and
/// l2' = l2 + β/(2·lr): g' = g + 2·l2_shrinkage·w; n' = n + g²; z ← z + g' − (n'^(−p) − n^(−p))/lr·w;
/// w ← (clip(z, −l1, l1) − z)/(n'^(−p)/lr + 2·l2'); n ← n'. n starts at initial_accumulator_value.
/// </summary>
public sealed class Ftrl : Optimizer
{
    public Ftrl(LearningRateArgument? learningRate = null, double learningRatePower = -0.5, double initialAccumulatorValue = 0.1,
        double l1RegularizationStrength = 0.0, double l2RegularizationStrength = 0.0, double l2ShrinkageRegularizationStrength = 0.0, double beta = 0.0,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string? name = null)
        : this(new OptimizerOptions(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum,
            emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps, name),
            learningRatePower, initialAccumulatorValue, l1RegularizationStrength, l2RegularizationStrength, l2ShrinkageRegularizationStrength, beta)
    {
    }

    private Ftrl(OptimizerOptions options, double learningRatePower, double initialAccumulatorValue,
        double l1RegularizationStrength, double l2RegularizationStrength, double l2ShrinkageRegularizationStrength, double beta)
        : base("Ftrl", options)
    {
        if (initialAccumulatorValue < 0)
            throw new ArgumentOutOfRangeException(nameof(initialAccumulatorValue), initialAccumulatorValue, $"`initial_accumulator_value` needs to be positive or zero. Received: initial_accumulator_value={initialAccumulatorValue}.");
        if (learningRatePower > 0)
            throw new ArgumentOutOfRangeException(nameof(learningRatePower), learningRatePower, $"`learning_rate_power` needs to be negative or zero. Received: learning_rate_power={learningRatePower}.");
        if (l1RegularizationStrength < 0)
            throw new ArgumentOutOfRangeException(nameof(l1RegularizationStrength), l1RegularizationStrength, $"`l1_regularization_strength` needs to be positive or zero. Received: l1_regularization_strength={l1RegularizationStrength}.");
        if (l2RegularizationStrength < 0)
            throw new ArgumentOutOfRangeException(nameof(l2RegularizationStrength), l2RegularizationStrength, $"`l2_regularization_strength` needs to be positive or zero. Received: l2_regularization_strength={l2RegularizationStrength}.");
        if (l2ShrinkageRegularizationStrength < 0)
            throw new ArgumentOutOfRangeException(nameof(l2ShrinkageRegularizationStrength), l2ShrinkageRegularizationStrength, $"`l2_shrinkage_regularization_strength` needs to be positive or zero. Received: l2_shrinkage_regularization_strength={l2ShrinkageRegularizationStrength}.");
        LearningRatePower = learningRatePower;
        InitialAccumulatorValue = initialAccumulatorValue;
        L1RegularizationStrength = l1RegularizationStrength;
        L2RegularizationStrength = l2RegularizationStrength;
        L2ShrinkageRegularizationStrength = l2ShrinkageRegularizationStrength;
        Beta = beta;
    }

    public double LearningRatePower { get; }

    public double InitialAccumulatorValue { get; }

    public double L1RegularizationStrength { get; }

    public double L2RegularizationStrength { get; }

    public double L2ShrinkageRegularizationStrength { get; }

    public double Beta { get; }

    protected override void CreateSlots(IReadOnlyList<Variable> variables)
    {
        var slots = AddOptimizerVariables(variables, ["accumulator", "linear"], [(float)InitialAccumulatorValue, 0f]);
        SetKernelSlots(slots[0], slots[1]);
    }

    protected override OptimizerStep PrepareStep(float learningRate, long iteration) =>
        new(OptimizerKind.Ftrl, learningRate, iteration, LearningRatePower: (float)LearningRatePower, L1: (float)L1RegularizationStrength,
            L2: (float)L2RegularizationStrength, L2Shrinkage: (float)L2ShrinkageRegularizationStrength, FtrlBeta: (float)Beta);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["learning_rate_power"] = LearningRatePower;
        config["initial_accumulator_value"] = InitialAccumulatorValue;
        config["l1_regularization_strength"] = L1RegularizationStrength;
        config["l2_regularization_strength"] = L2RegularizationStrength;
        config["l2_shrinkage_regularization_strength"] = L2ShrinkageRegularizationStrength;
        config["beta"] = Beta;
        return config;
    }

    public static Ftrl FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(Ftrl));
        var optimizer = new Ftrl(OptimizerOptions.Read(r, 0.001), r.Double("learning_rate_power", -0.5), r.Double("initial_accumulator_value", 0.1),
            r.Double("l1_regularization_strength", 0.0), r.Double("l2_regularization_strength", 0.0),
            r.Double("l2_shrinkage_regularization_strength", 0.0), r.Double("beta", 0.0));
        r.ThrowIfUnread();
        return optimizer;
    }
}
