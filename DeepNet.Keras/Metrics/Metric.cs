using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Metrics;

/// <summary>
/// A stateful metric (Keras <c>keras.metrics.Metric</c>): <see cref="UpdateState"/> per batch,
/// <see cref="Result"/> for the running value, <see cref="ResetState"/> between epochs.
/// State is kept on the host in double precision; metrics are not differentiated.
/// </summary>
public abstract class Metric
{
    protected Metric(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>
    /// Key in logs and History (<c>accuracy</c>, <c>val_accuracy</c> with the prefix). Compile
    /// renames a metric to the string the user passed, as Keras does.
    /// </summary>
    public string Name { get; internal set; }

    public abstract void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight = null);

    /// <summary>
    /// Updates with the predictions' mask (what Keras reads from <c>y_pred._keras_mask</c>; 1
    /// where an entry counts). As in Keras, only the metrics that average per-sample values
    /// (<see cref="MeanMetricWrapper"/>: accuracies, errors, cross-entropies) use it; the others
    /// (confusion counts, precision, recall, AUC, RMSE) ignore it.
    /// </summary>
    public virtual void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight, Tensor? mask) => UpdateState(yTrue, yPred, sampleWeight);

    public abstract double Result();

    public abstract void ResetState();

    public abstract string ClassName { get; }

    /// <summary>Keras's base keys <c>name</c> and <c>dtype</c>; subclasses append their own.</summary>
    public virtual JObject GetConfig() => new() { ["name"] = Name, ["dtype"] = "float32" };

    public override string ToString() => $"<{ClassName} name={Name}>";
}
