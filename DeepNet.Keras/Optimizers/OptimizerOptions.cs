using DeepNet.Keras.Optimizers.Schedules;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// The arguments every Keras optimizer takes (<c>base_optimizer.BaseOptimizer.__init__</c>), passed
/// from a concrete optimizer's constructor to <see cref="Optimizer"/> in one piece.
/// </summary>
public sealed record OptimizerOptions(
    LearningRateArgument LearningRate,
    double? WeightDecay = null,
    double? Clipnorm = null,
    double? Clipvalue = null,
    double? GlobalClipnorm = null,
    bool UseEma = false,
    double EmaMomentum = 0.99,
    int? EmaOverwriteFrequency = null,
    double? LossScaleFactor = null,
    int? GradientAccumulationSteps = null,
    string? Name = null)
{
    /// <summary>Reads the shared keys of a Keras 3 (or Keras 2 "new optimizer") config.</summary>
    internal static OptimizerOptions Read(OptimizerConfigReader reader, double defaultLearningRate, double? defaultWeightDecay = null)
    {
        LearningRateArgument learningRate = defaultLearningRate;
        var lr = reader.Raw("learning_rate");
        if (lr is JObject schedule) learningRate = LearningRateSchedules.Get(schedule);
        else if (lr is not null) learningRate = reader.Double("learning_rate", defaultLearningRate);
        // Keras 2 keys: jit_compile and is_legacy_optimizer have no meaning here; a non-zero legacy
        // "decay" would change the numbers, so it is refused rather than ignored.
        reader.Ignore("jit_compile", "is_legacy_optimizer");
        double decay = reader.Double("decay", 0);
        if (decay != 0)
            throw new NotSupportedException($"The legacy optimizer argument decay={decay} is not supported (Keras 3 ignores it too); use a learning-rate schedule such as InverseTimeDecay instead.");
        return new OptimizerOptions(
            learningRate,
            WeightDecay: reader.NullableDouble("weight_decay") ?? defaultWeightDecay,
            Clipnorm: reader.NullableDouble("clipnorm"),
            Clipvalue: reader.NullableDouble("clipvalue"),
            GlobalClipnorm: reader.NullableDouble("global_clipnorm"),
            UseEma: reader.Bool("use_ema", false),
            EmaMomentum: reader.Double("ema_momentum", 0.99),
            EmaOverwriteFrequency: reader.NullableInt("ema_overwrite_frequency"),
            LossScaleFactor: reader.NullableDouble("loss_scale_factor"),
            GradientAccumulationSteps: reader.NullableInt("gradient_accumulation_steps"),
            Name: reader.String("name"));
    }
}
