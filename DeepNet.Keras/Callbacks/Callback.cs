namespace DeepNet.Keras.Callbacks;

/// <summary>
/// Hooks into Fit, Evaluate and Predict (Keras <c>keras.callbacks.Callback</c>). Epoch and batch
/// numbers are 0-based, as Keras passes them. <c>logs</c> holds the running values
/// (<c>loss</c>, metrics; <c>val_</c> ones at epoch end), keys in Keras 3 order (sorted).
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained (set by Fit before <see cref="OnTrainBegin"/>).</summary>
    public Model? Model { get; private set; }

    /// <summary>Training parameters: <c>verbose</c>, <c>epochs</c>, <c>steps</c>.</summary>
    public IReadOnlyDictionary<string, object?> Params { get; private set; } = new Dictionary<string, object?>();

    /// <summary>Attaches the callback to a model (Keras <c>set_model</c>).</summary>
    public virtual void SetModel(Model model) => Model = model;

    public virtual void SetParams(IReadOnlyDictionary<string, object?> parameters) => Params = parameters;

    public virtual void OnTrainBegin(IDictionary<string, double>? logs = null) { }

    public virtual void OnTrainEnd(IDictionary<string, double>? logs = null) { }

    public virtual void OnEpochBegin(int epoch, IDictionary<string, double>? logs = null) { }

    public virtual void OnEpochEnd(int epoch, IDictionary<string, double>? logs = null) { }

    public virtual void OnTrainBatchBegin(int batch, IDictionary<string, double>? logs = null) { }

    public virtual void OnTrainBatchEnd(int batch, IDictionary<string, double>? logs = null) { }

    public virtual void OnTestBegin(IDictionary<string, double>? logs = null) { }

    public virtual void OnTestEnd(IDictionary<string, double>? logs = null) { }

    public virtual void OnTestBatchBegin(int batch, IDictionary<string, double>? logs = null) { }

    public virtual void OnTestBatchEnd(int batch, IDictionary<string, double>? logs = null) { }

    public virtual void OnPredictBegin(IDictionary<string, double>? logs = null) { }

    public virtual void OnPredictEnd(IDictionary<string, double>? logs = null) { }

    public virtual void OnPredictBatchBegin(int batch, IDictionary<string, double>? logs = null) { }

    public virtual void OnPredictBatchEnd(int batch, IDictionary<string, double>? logs = null) { }
}
