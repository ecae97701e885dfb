using System.Globalization;

namespace DeepNet.Keras.Callbacks;

/// <summary>
/// Lowers the learning rate when the monitored value stops improving (Keras <c>ReduceLROnPlateau</c>).
/// Keras defaults: monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
/// min_delta=1e-4, cooldown=0, min_lr=0. Adds <c>learning_rate</c> to the epoch logs.
/// </summary>
public sealed class ReduceLROnPlateau : MonitorCallback
{
    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, int verbose = 0, string mode = "auto",
        double minDelta = 1e-4, int cooldown = 0, double minLr = 0)
        : base(monitor, mode, minDelta)
    {
        if (factor >= 1.0)
            throw new ArgumentOutOfRangeException(nameof(factor), $"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}");
        Factor = factor;
        Patience = patience;
        Verbose = verbose;
        Cooldown = cooldown;
        MinLr = minLr;
    }

    public double Factor { get; }

    public int Patience { get; }

    public int Verbose { get; }

    public int Cooldown { get; }

    public double MinLr { get; }

    public int Wait { get; private set; }

    public int CooldownCounter { get; private set; }

    public double? Best { get; private set; }

    private bool InCooldown => CooldownCounter > 0;

    public override void OnTrainBegin(IDictionary<string, double>? logs = null)
    {
        Wait = 0;
        CooldownCounter = 0;
        Best = null;
    }

    public override void OnEpochEnd(int epoch, IDictionary<string, double>? logs = null)
    {
        var optimizer = Model!.Optimizer ?? throw new InvalidOperationException("ReduceLROnPlateau needs a compiled model.");
        if (logs is not null) logs["learning_rate"] = optimizer.LearningRate;
        var current = MonitorValue(logs, "Learning rate reduction");
        if (current is not double value) return;
        if (InCooldown)
        {
            CooldownCounter--;
            Wait = 0;
        }
        if (IsImprovement(value, Best))
        {
            Best = value;
            Wait = 0;
        }
        else if (!InCooldown)
        {
            Wait++;
            if (Wait >= Patience)
            {
                double old = optimizer.LearningRate;
                if (old > (float)MinLr)
                {
                    double lr = Math.Max(old * Factor, MinLr);
                    optimizer.LearningRate = (float)lr;
                    if (Verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {((float)lr).ToString(CultureInfo.InvariantCulture)}.");
                    CooldownCounter = Cooldown;
                    Wait = 0;
                }
            }
        }
    }
}
