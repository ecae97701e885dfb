namespace DeepNet.Keras.Callbacks;

/// <summary>
/// Stops training as soon as a batch's loss is NaN or infinite (Keras <c>TerminateOnNaN</c>);
/// with <see cref="RaiseError"/> it throws instead. Keras default: raise_error=False.
/// </summary>
public sealed class TerminateOnNaN : Callback
{
    public TerminateOnNaN(bool raiseError = false) => RaiseError = raiseError;

    public bool RaiseError { get; }

    public override void OnTrainBatchEnd(int batch, IDictionary<string, double>? logs = null)
    {
        if (logs is null || !logs.TryGetValue("loss", out double loss) || double.IsFinite(loss)) return;
        if (RaiseError) throw new InvalidOperationException($"NaN or Inf found in loss at batch {batch}: {loss}");
        Console.WriteLine($"Batch {batch}: Invalid loss, terminating training");
        Model!.StopTraining = true;
    }
}
