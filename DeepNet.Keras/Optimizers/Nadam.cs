using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// Nadam, Adam with Nesterov momentum (Keras <c>keras.optimizers.Nadam</c>):
/// μₜ = β₁(1 − ½·0.96ᵗ), Πₜ = ∏_{i≤t} μᵢ (kept across steps); m, v as Adam;
/// m̂ = μₜ₊₁·m/(1 − Πₜμₜ₊₁) + (1 − μₜ)·g/(1 − Πₜ); v̂ = v/(1 − β₂ᵗ); w ← w − lr·m̂/(√v̂ + ε).
/// </summary>
public sealed class Nadam : Optimizer
{
    // Πₜ, computed on the host in double; the u_product variable holds its float32 value so that
    // saved optimizer state carries it (Keras keeps it in a variable too).
    private double _product = 1.0;
    private Variable? _productVariable;

    public Nadam(LearningRateArgument? learningRate = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string? name = null)
        : this(new OptimizerOptions(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum,
            emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps, name), beta1, beta2, epsilon)
    {
    }

    private Nadam(OptimizerOptions options, double beta1, double beta2, double epsilon) : base("Nadam", options)
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
        var slots = AddOptimizerVariables(variables, ["momentum", "velocity"]);
        SetKernelSlots(slots[0], slots[1]);
        var backend = variables.Count > 0 ? variables[0].Value.Backend : null;
        _productVariable = AddVariable("u_product", Tensor.Scalar(1f, backend));
    }

    protected override OptimizerStep PrepareStep(float learningRate, long iteration)
    {
        double mu = Beta1 * (1 - 0.5 * Math.Pow(0.96, iteration));
        double muNext = Beta1 * (1 - 0.5 * Math.Pow(0.96, iteration + 1));
        // The variable differs from the host copy only when someone loaded state into it.
        float stored = _productVariable!.Value.ToScalar();
        if (stored != (float)_product) _product = stored;
        _product *= mu;
        ReadOnlySpan<float> updated = [(float)_product];
        _productVariable.Value.Backend.Upload(updated, _productVariable.Value);
        return new OptimizerStep(OptimizerKind.Nadam, learningRate, iteration, Beta1: (float)Beta1, Beta2: (float)Beta2, Epsilon: (float)Epsilon,
            NadamMu: (float)mu, NadamMuNext: (float)muNext, NadamMuProduct: (float)_product);
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["beta_1"] = Beta1;
        config["beta_2"] = Beta2;
        config["epsilon"] = Epsilon;
        return config;
    }

    public static Nadam FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(Nadam));
        var optimizer = new Nadam(OptimizerOptions.Read(r, 0.001), r.Double("beta_1", 0.9), r.Double("beta_2", 0.999), r.Double("epsilon", 1e-7));
        r.ThrowIfUnread();
        return optimizer;
    }
}
