namespace DeepNet.Keras.Callbacks;

/// <summary>A callback made of delegates (Keras <c>LambdaCallback</c>); any may be null.</summary>
public sealed class LambdaCallback : Callback
{
    private readonly Action<int, IDictionary<string, double>?>? _onEpochBegin;
    private readonly Action<int, IDictionary<string, double>?>? _onEpochEnd;
    private readonly Action<int, IDictionary<string, double>?>? _onTrainBatchBegin;
    private readonly Action<int, IDictionary<string, double>?>? _onTrainBatchEnd;
    private readonly Action<IDictionary<string, double>?>? _onTrainBegin;
    private readonly Action<IDictionary<string, double>?>? _onTrainEnd;

    public LambdaCallback(
        Action<int, IDictionary<string, double>?>? onEpochBegin = null,
        Action<int, IDictionary<string, double>?>? onEpochEnd = null,
        Action<int, IDictionary<string, double>?>? onTrainBatchBegin = null,
        Action<int, IDictionary<string, double>?>? onTrainBatchEnd = null,
        Action<IDictionary<string, double>?>? onTrainBegin = null,
        Action<IDictionary<string, double>?>? onTrainEnd = null)
    {
        _onEpochBegin = onEpochBegin;
        _onEpochEnd = onEpochEnd;
        _onTrainBatchBegin = onTrainBatchBegin;
        _onTrainBatchEnd = onTrainBatchEnd;
        _onTrainBegin = onTrainBegin;
        _onTrainEnd = onTrainEnd;
    }

    public override void OnEpochBegin(int epoch, IDictionary<string, double>? logs = null) => _onEpochBegin?.Invoke(epoch, logs);

    public override void OnEpochEnd(int epoch, IDictionary<string, double>? logs = null) => _onEpochEnd?.Invoke(epoch, logs);

    public override void OnTrainBatchBegin(int batch, IDictionary<string, double>? logs = null) => _onTrainBatchBegin?.Invoke(batch, logs);

    public override void OnTrainBatchEnd(int batch, IDictionary<string, double>? logs = null) => _onTrainBatchEnd?.Invoke(batch, logs);

    public override void OnTrainBegin(IDictionary<string, double>? logs = null) => _onTrainBegin?.Invoke(logs);

    public override void OnTrainEnd(IDictionary<string, double>? logs = null) => _onTrainEnd?.Invoke(logs);
}
