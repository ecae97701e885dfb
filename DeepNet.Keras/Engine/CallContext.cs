namespace DeepNet.Keras.Engine;

/// <summary>
/// Collects the activity losses layers add during one forward pass on this thread (Keras
/// <c>add_loss</c> inside <c>call</c>). A training or test step opens it; outside one, added
/// losses are dropped, so Predict keeps no state.
/// </summary>
internal sealed class CallContext : IDisposable
{
    [ThreadStatic] private static CallContext? t_current;

    private readonly CallContext? _outer;

    private CallContext()
    {
        _outer = t_current;
        t_current = this;
    }

    public List<Tensor> Losses { get; } = new();

    public static CallContext Begin() => new();

    public static void AddLoss(Tensor loss) => t_current?.Losses.Add(loss);

    public void Dispose() => t_current = _outer;
}
