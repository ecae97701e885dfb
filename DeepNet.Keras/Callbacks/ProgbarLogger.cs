using DeepNet.Keras.Training;

namespace DeepNet.Keras.Callbacks;

/// <summary>
/// Prints the progress bar and epoch lines (Keras <c>ProgbarLogger</c>); Fit, Evaluate and
/// Predict add it when verbose ≥ 1. <c>Epoch k/N</c> is printed only when N &gt; 1, as Keras 3.
/// </summary>
public sealed class ProgbarLogger : Callback
{
    private readonly TextWriter? _output;

    /// <summary>Where the bar is written (the console when null).</summary>
    internal TextWriter Output => _output ?? Console.Out;
    private Progbar? _bar;
    private bool _inFit;
    private int _epochs;
    private int _seen;

    public ProgbarLogger(TextWriter? output = null) => _output = output;

    private int Verbose => Params.TryGetValue("verbose", out var v) && v is int i ? i : 1;

    private int? Steps => Params.TryGetValue("steps", out var s) && s is int i ? i : null;

    private void NewBar()
    {
        _bar = new Progbar(Steps, Verbose, "step", _output);
        _seen = 0;
    }

    public override void OnTrainBegin(IDictionary<string, double>? logs = null)
    {
        _inFit = true;
        _epochs = Params.TryGetValue("epochs", out var e) && e is int i ? i : 1;
    }

    public override void OnTrainEnd(IDictionary<string, double>? logs = null) => _inFit = false;

    public override void OnEpochBegin(int epoch, IDictionary<string, double>? logs = null)
    {
        NewBar();
        if (_epochs > 1 && Verbose >= 1) (_output ?? Console.Out).WriteLine($"Epoch {epoch + 1}/{_epochs}");
    }

    public override void OnTrainBatchEnd(int batch, IDictionary<string, double>? logs = null) => Step(batch, logs);

    public override void OnEpochEnd(int epoch, IDictionary<string, double>? logs = null) => Finish(logs);

    public override void OnTestBegin(IDictionary<string, double>? logs = null)
    {
        if (!_inFit) NewBar();
    }

    public override void OnTestBatchEnd(int batch, IDictionary<string, double>? logs = null)
    {
        if (!_inFit) Step(batch, logs);
    }

    public override void OnTestEnd(IDictionary<string, double>? logs = null)
    {
        if (!_inFit) Finish(logs);
    }

    public override void OnPredictBegin(IDictionary<string, double>? logs = null) => NewBar();

    public override void OnPredictBatchEnd(int batch, IDictionary<string, double>? logs = null) => Step(batch, null);

    private void Step(int batch, IDictionary<string, double>? logs)
    {
        _seen = batch + 1;
        _bar?.Update(_seen, logs);
    }

    public override void OnPredictEnd(IDictionary<string, double>? logs = null) => Finish(null);

    private void Finish(IDictionary<string, double>? logs)
    {
        if (_bar is null) return;
        _bar.Update(_bar.Target ?? _seen, logs, finalize: true);
        _bar = null;
    }
}
