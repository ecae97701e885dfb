using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// Adagrad (Keras <c>keras.optimizers.Adagrad</c>): acc ← acc + g²; w ← w − lr·g/√(acc + ε), the
/// accumulator starting at initial_accumulator_value.
/// </summary>
public sealed class Adagrad : Optimizer
{
    public Adagrad(LearningRateArgument? learningRate = null, double initialAccumulatorValue = 0.1, double epsilon = 1e-7,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string? name = null)
        : this(new OptimizerOptions(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum,
            emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps, name), initialAccumulatorValue, epsilon)
    {
    }

    private Adagrad(OptimizerOptions options, double initialAccumulatorValue, double epsilon) : base("Adagrad", options)
    {
        InitialAccumulatorValue = initialAccumulatorValue;
        Epsilon = epsilon;
    }

    public double InitialAccumulatorValue { get; }

    public double Epsilon { get; }

    protected override void CreateSlots(IReadOnlyList<Variable> variables) =>
        SetKernelSlots(AddOptimizerVariables(variables, ["accumulator"], [(float)InitialAccumulatorValue])[0]);

    protected override OptimizerStep PrepareStep(float learningRate, long iteration) =>
        new(OptimizerKind.Adagrad, learningRate, iteration, Epsilon: (float)Epsilon);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["initial_accumulator_value"] = InitialAccumulatorValue;
        config["epsilon"] = Epsilon;
        return config;
    }

    public static Adagrad FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(Adagrad));
        var optimizer = new Adagrad(OptimizerOptions.Read(r, 0.001), r.Double("initial_accumulator_value", 0.1), r.Double("epsilon", 1e-7));
        r.ThrowIfUnread();
        return optimizer;
    }
}
