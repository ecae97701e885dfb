namespace DeepNet.Keras.Callbacks;

/// <summary>
/// Stops training when the monitored value stops improving (Keras <c>EarlyStopping</c>).
/// Keras defaults: monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
/// baseline=None, restore_best_weights=False, start_from_epoch=0. With restore_best_weights the
/// weights of the best epoch are put back at the end of training, also when it ran to completion.
/// </summary>
public sealed class EarlyStopping : MonitorCallback
{
    private float[][]? _bestWeights;

    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, int verbose = 0, string mode = "auto",
        double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0)
        : base(monitor, mode, minDelta)
    {
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"patience must be non-negative. Received: patience={patience}");
        Patience = patience;
        Verbose = verbose;
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        StartFromEpoch = startFromEpoch;
    }

    public int Patience { get; }

    public int Verbose { get; }

    public double? Baseline { get; }

    public bool RestoreBestWeights { get; }

    public int StartFromEpoch { get; }

    /// <summary>Epochs without improvement so far.</summary>
    public int Wait { get; private set; }

    /// <summary>The epoch (0-based) at which training was stopped, or 0.</summary>
    public int StoppedEpoch { get; private set; }

    public double? Best { get; private set; }

    public int BestEpoch { get; private set; }

    public override void OnTrainBegin(IDictionary<string, double>? logs = null)
    {
        Wait = 0;
        StoppedEpoch = 0;
        Best = null;
        BestEpoch = 0;
        _bestWeights = null;
    }

    public override void OnEpochEnd(int epoch, IDictionary<string, double>? logs = null)
    {
        var current = MonitorValue(logs, "Early stopping");
        if (current is not double value || epoch < StartFromEpoch) return;
        if (RestoreBestWeights && _bestWeights is null) _bestWeights = Model!.GetWeightArrays();
        Wait++;
        if (IsImprovement(value, Best))
        {
            Best = value;
            BestEpoch = epoch;
            if (RestoreBestWeights) _bestWeights = Model!.GetWeightArrays();
            if (Baseline is null || IsImprovement(value, Baseline)) Wait = 0;
            return;
        }
        if (Wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            Model!.StopTraining = true;
        }
    }

    public override void OnTrainEnd(IDictionary<string, double>? logs = null)
    {
        if (StoppedEpoch > 0 && Verbose > 0) Console.WriteLine($"Epoch {StoppedEpoch + 1}: early stopping");
        if (RestoreBestWeights && _bestWeights is not null)
        {
            if (Verbose > 0) Console.WriteLine($"Restoring model weights from the end of the best epoch: {BestEpoch + 1}.");
            Model!.SetWeights(_bestWeights);
        }
    }
}
