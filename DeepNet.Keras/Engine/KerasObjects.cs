using DeepNet.Keras.Constraints;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Losses;
using DeepNet.Keras.Metrics;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;
using ConstraintRegistry = DeepNet.Keras.Constraints.Constraints;
using InitializerRegistry = DeepNet.Keras.Initializers.Initializers;
using OptimizerRegistry = DeepNet.Keras.Optimizers.Optimizers;
using LossRegistry = DeepNet.Keras.Losses.Losses;
using MetricRegistry = DeepNet.Keras.Metrics.Metrics;
using RegularizerRegistry = DeepNet.Keras.Regularizers.Regularizers;

namespace DeepNet.Keras.Engine;

/// <summary>
/// The engine's one door to the registries of the other families (initializers, regularizers,
/// constraints, losses, metrics, optimizers): strings and configs in, objects out, and back.
/// </summary>
internal static class KerasObjects
{
    public static Initializer Initializer(JToken token) =>
        InitializerRegistry.Get(token) ?? throw new ArgumentException($"Could not interpret initializer identifier: {token}.");

    public static Initializer Initializer(string name) => InitializerRegistry.Get(name);

    public static JToken Serialize(Initializer initializer) => InitializerRegistry.Serialize(initializer);

    public static Regularizer? Regularizer(JToken? token) =>
        token is null || token.Type == JTokenType.Null ? null : RegularizerRegistry.Get(token);

    public static JToken Serialize(Regularizer? regularizer) =>
        regularizer is null ? JValue.CreateNull() : RegularizerRegistry.Serialize(regularizer);

    public static Constraint? Constraint(JToken? token) =>
        token is null || token.Type == JTokenType.Null ? null : ConstraintRegistry.Get(token);

    public static JToken Serialize(Constraint? constraint) =>
        constraint is null ? JValue.CreateNull() : ConstraintRegistry.Serialize(constraint);

    public static Loss Loss(string name) => LossRegistry.Get(name);

    public static Metric Metric(string name, Shape yTrue, Shape yPred) => MetricRegistry.Resolve(name, yTrue, yPred);

    public static Optimizer Optimizer(string name) => OptimizerRegistry.Get(name);
}
