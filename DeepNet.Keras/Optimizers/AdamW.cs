using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// Adam with decoupled weight decay (Keras <c>keras.optimizers.AdamW</c>): the base applies
/// w ← w − lr·wd·w before the Adam rule; weight_decay defaults to 0.004 and cannot be None.
/// </summary>
public sealed class AdamW : Adam
{
    public AdamW(LearningRateArgument? learningRate = null, double weightDecay = 0.004, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false,
        double? clipnorm = null, double? clipvalue = null, double? globalClipnorm = null,
        bool useEma = false, double emaMomentum = 0.99, int? emaOverwriteFrequency = null, double? lossScaleFactor = null,
        int? gradientAccumulationSteps = null, string? name = null)
        : this(new OptimizerOptions(learningRate ?? 0.001, weightDecay, clipnorm, clipvalue, globalClipnorm, useEma, emaMomentum,
            emaOverwriteFrequency, lossScaleFactor, gradientAccumulationSteps, name), beta1, beta2, epsilon, amsgrad)
    {
    }

    private AdamW(OptimizerOptions options, double beta1, double beta2, double epsilon, bool amsgrad)
        : base("AdamW", options, beta1, beta2, epsilon, amsgrad)
    {
        if (options.WeightDecay is null)
            throw new ArgumentException("Argument `weight_decay` must be a float. Received: weight_decay=None", nameof(options));
    }

    public static new AdamW FromConfig(JObject config)
    {
        var r = new OptimizerConfigReader(config, nameof(AdamW));
        var optimizer = new AdamW(OptimizerOptions.Read(r, 0.001, defaultWeightDecay: 0.004), r.Double("beta_1", 0.9), r.Double("beta_2", 0.999), r.Double("epsilon", 1e-7), r.Bool("amsgrad", false));
        r.ThrowIfUnread();
        return optimizer;
    }
}
