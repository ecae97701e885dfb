namespace DeepNet.Keras.Callbacks;

/// <summary>Calls a list of callbacks in order (Keras <c>CallbackList</c>).</summary>
public sealed class CallbackList : Callback
{
    private readonly List<Callback> _callbacks;

    public CallbackList(IEnumerable<Callback> callbacks) => _callbacks = callbacks.ToList();

    public IReadOnlyList<Callback> Callbacks => _callbacks;

    public override void SetModel(Model model)
    {
        base.SetModel(model);
        foreach (var c in _callbacks) c.SetModel(model);
    }

    public override void SetParams(IReadOnlyDictionary<string, object?> parameters)
    {
        base.SetParams(parameters);
        foreach (var c in _callbacks) c.SetParams(parameters);
    }

    public override void OnTrainBegin(IDictionary<string, double>? logs = null) { foreach (var c in _callbacks) c.OnTrainBegin(logs); }

    public override void OnTrainEnd(IDictionary<string, double>? logs = null) { foreach (var c in _callbacks) c.OnTrainEnd(logs); }

    public override void OnEpochBegin(int epoch, IDictionary<string, double>? logs = null) { foreach (var c in _callbacks) c.OnEpochBegin(epoch, logs); }

    public override void OnEpochEnd(int epoch, IDictionary<string, double>? logs = null) { foreach (var c in _callbacks) c.OnEpochEnd(epoch, logs); }

    public override void OnTrainBatchBegin(int batch, IDictionary<string, double>? logs = null) { foreach (var c in _callbacks) c.OnTrainBatchBegin(batch, logs); }

    public override void OnTrainBatchEnd(int batch, IDictionary<string, double>? logs = null) { foreach (var c in _callbacks) c.OnTrainBatchEnd(batch, logs); }

    public override void OnTestBegin(IDictionary<string, double>? logs = null) { foreach (var c in _callbacks) c.OnTestBegin(logs); }

    public override void OnTestEnd(IDictionary<string, double>? logs = null) { foreach (var c in _callbacks) c.OnTestEnd(logs); }

    public override void OnTestBatchBegin(int batch, IDictionary<string, double>? logs = null) { foreach (var c in _callbacks) c.OnTestBatchBegin(batch, logs); }

    public override void OnTestBatchEnd(int batch, IDictionary<string, double>? logs = null) { foreach (var c in _callbacks) c.OnTestBatchEnd(batch, logs); }

    public override void OnPredictBegin(IDictionary<string, double>? logs = null) { foreach (var c in _callbacks) c.OnPredictBegin(logs); }

    public override void OnPredictEnd(IDictionary<string, double>? logs = null) { foreach (var c in _callbacks) c.OnPredictEnd(logs); }

    public override void OnPredictBatchBegin(int batch, IDictionary<string, double>? logs = null) { foreach (var c in _callbacks) c.OnPredictBatchBegin(batch, logs); }

    public override void OnPredictBatchEnd(int batch, IDictionary<string, double>? logs = null) { foreach (var c in _callbacks) c.OnPredictBatchEnd(batch, logs); }
}
