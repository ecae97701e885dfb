using DeepNet.Backends;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// Gradient descent with optional momentum (Keras <c>keras.optimizers.SGD</c>):
/// m ← μ·m − lr·g; w ← w + m (Nesterov: w ← w + μ·m − lr·g); without momentum w ← w − lr·g.
/// </summary>
public sealed class SGD : Optimizer
{
    private Variable[]? _momentums;

    public SGD(LearningRateArgument? learningRate = null, double momentum = 0.0, bool nesterov = false,
        double? weightDecay = null, double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string? name = null)
        : this(new OptimizerOptions(learningRate ?? 0.01, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum,
            emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps, name), momentum, nesterov)
    {
    }

    private SGD(OptimizerOptions options, double momentum, bool nesterov) : base("SGD", options)
    {
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, $"`momentum` must be a float between [0, 1]. Received: momentum={momentum}");
        Momentum = momentum;
        Nesterov = nesterov;
    }

    public double Momentum { get; }

    public bool Nesterov { get; }

    protected override void CreateSlots(IReadOnlyList<Variable> variables)
    {
        if (Momentum == 0) return;
        _momentums = AddOptimizerVariables(variables, ["momentum"])[0];
        SetKernelSlots(_momentums);
    }

    protected override OptimizerStep PrepareStep(float learningRate, long iteration) =>
        new(OptimizerKind.Sgd, learningRate, iteration, Momentum: (float)Momentum, Nesterov: Nesterov);

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        config["momentum"] = Momentum;
        config["nesterov"] = Nesterov;
        return config;
    }

    public static SGD FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(SGD));
        var optimizer = new SGD(OptimizerOptions.Read(r, 0.01), r.Double("momentum", 0.0), r.Bool("nesterov", false));
        r.ThrowIfUnread();
        return optimizer;
    }
}
