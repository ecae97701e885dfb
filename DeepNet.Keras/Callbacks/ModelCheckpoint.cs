using DeepNet.Keras.Utils;

namespace DeepNet.Keras.Callbacks;

/// <summary>
/// Saves the model or its weights during training (Keras <c>ModelCheckpoint</c>). The file path
/// is a Python format template filled with <c>epoch</c> (1-based), <c>batch</c> (1-based, with an
/// integer save frequency) and every log key, e.g. <c>weights.{epoch:02d}-{val_loss:.2f}.h5</c>.
/// Keras defaults: monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
/// mode="auto", save_freq="epoch", initial_value_threshold=None. The files are written through
/// <see cref="Model.Save"/> / <see cref="Model.SaveWeights"/>.
/// </summary>
public sealed class ModelCheckpoint : MonitorCallback
{
    private int _currentEpoch;
    private int _batchesSinceSave;

    /// <param name="saveFreq">null for "epoch" (save at each epoch end), or every N batches.</param>
    public ModelCheckpoint(string filepath, string monitor = "val_loss", int verbose = 0, bool saveBestOnly = false,
        bool saveWeightsOnly = false, string mode = "auto", int? saveFreq = null, double? initialValueThreshold = null)
        : base(monitor, mode, 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(filepath);
        if (saveWeightsOnly && !filepath.EndsWith(".weights.h5", StringComparison.Ordinal) && !filepath.EndsWith(".h5", StringComparison.Ordinal))
            throw new ArgumentException($"When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must end in `.weights.h5` (Keras weights format) or `.h5` (legacy HDF5). Received: filepath={filepath}", nameof(filepath));
        if (!saveWeightsOnly && !filepath.EndsWith(".keras", StringComparison.Ordinal) && !filepath.EndsWith(".h5", StringComparison.Ordinal))
            throw new ArgumentException($"The filepath provided must end in `.keras` (Keras model format) or `.h5` (legacy HDF5). Received: filepath={filepath}", nameof(filepath));
        if (saveFreq is <= 0)
            throw new ArgumentOutOfRangeException(nameof(saveFreq), $"Unrecognized save_freq: {saveFreq}. Expected save_freq are 'epoch' or a positive integer.");
        Filepath = filepath;
        Verbose = verbose;
        SaveBestOnly = saveBestOnly;
        SaveWeightsOnly = saveWeightsOnly;
        SaveFreq = saveFreq;
        Best = initialValueThreshold;
    }

    public string Filepath { get; }

    public int Verbose { get; }

    public bool SaveBestOnly { get; }

    public bool SaveWeightsOnly { get; }

    public int? SaveFreq { get; }

    /// <summary>The best monitored value so far (null before the first).</summary>
    public double? Best { get; private set; }

    /// <summary>The paths written so far (or attempted), in order.</summary>
    public List<string> SavedPaths { get; } = new();

    public override void OnEpochBegin(int epoch, IDictionary<string, double>? logs = null) => _currentEpoch = epoch;

    public override void OnTrainBatchEnd(int batch, IDictionary<string, double>? logs = null)
    {
        if (SaveFreq is not int freq) return;
        if (++_batchesSinceSave < freq) return;
        _batchesSinceSave = 0;
        SaveModel(_currentEpoch, batch, logs);
    }

    public override void OnEpochEnd(int epoch, IDictionary<string, double>? logs = null)
    {
        if (SaveFreq is null) SaveModel(epoch, null, logs);
    }

    /// <summary>The file path for this epoch/batch: the template filled from the logs.</summary>
    public string FilePathFor(int epoch, int? batch, IDictionary<string, double>? logs)
    {
        var values = new Dictionary<string, double>(logs ?? new Dictionary<string, double>(), StringComparer.Ordinal) { ["epoch"] = epoch + 1 };
        if (batch is int b && !values.ContainsKey("batch")) values["batch"] = b + 1;
        return PythonFormat.Format(Filepath, values);
    }

    private void SaveModel(int epoch, int? batch, IDictionary<string, double>? logs)
    {
        string path = FilePathFor(epoch, batch, logs);
        var dir = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        if (SaveBestOnly)
        {
            if (logs is null || !logs.TryGetValue(Monitor, out double current))
            {
                Console.Error.WriteLine($"Can save best model only with {Monitor} available, skipping. Available metrics are: {string.Join(",", logs?.Keys ?? Array.Empty<string>())}");
                return;
            }
            if (IsImprovement(current, Best))
            {
                if (Verbose > 0)
                    Console.WriteLine($"\nEpoch {epoch + 1}: {Monitor} improved from {FormatBest(Best)} to {FormatBest(current)}, saving model to {path}");
                Best = current;
                Write(path);
            }
            else if (Verbose > 0)
                Console.WriteLine($"\nEpoch {epoch + 1}: {Monitor} did not improve from {FormatBest(Best)}");
            return;
        }
        if (Verbose > 0) Console.WriteLine($"\nEpoch {epoch + 1}: saving model to {path}");
        Write(path);
    }

    private static string FormatBest(double? best) =>
        best is double b ? b.ToString("F5", System.Globalization.CultureInfo.InvariantCulture) : "None";

    private void Write(string path)
    {
        SavedPaths.Add(path);
        if (SaveWeightsOnly) Model!.SaveWeights(path);
        else Model!.Save(path);
    }
}
