using DeepNet.Autograd;
using DeepNet.Backends;
using DeepNet.Keras.Callbacks;
using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Losses;
using DeepNet.Keras.Metrics;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Training;
using DeepNet.Memory;

namespace DeepNet.Keras;

// Compile, Fit, Evaluate, Predict and the *OnBatch functions, with Keras 3's semantics
// (keras/src/trainers/trainer.py, keras/src/backend/tensorflow/trainer.py; keras-compat §5.6).
public partial class Model
{
    private Optimizer? _optimizer;
    private Loss?[] _compiledLosses = Array.Empty<Loss?>();
    private float[]? _lossWeights;
    private IReadOnlyList<KerasRef<Metric>> _metricSpecs = Array.Empty<KerasRef<Metric>>();
    private Metric[][]? _metrics;
    private IReadOnlyList<KerasRef<Metric>> _weightedMetricSpecs = Array.Empty<KerasRef<Metric>>();
    private Metric[][]? _weightedMetrics;
    private readonly object _trainLock = new();

    /// <summary>The optimizer given to <see cref="Compile"/>, or null before.</summary>
    public Optimizer? Optimizer => _optimizer;

    /// <summary>True once <see cref="Compile"/> was called.</summary>
    public bool IsCompiled => _optimizer is not null;

    /// <summary>Set by a callback to end Fit after the current batch (Keras <c>model.stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    /// <summary>The History of the last Fit.</summary>
    public History? History { get; private set; }

    /// <summary>The loss of each output (null where an output has none).</summary>
    public IReadOnlyList<Loss?> CompiledLosses => _compiledLosses;

    /// <summary>The metrics given to <see cref="Compile"/>, as given (names or objects); saved with the model.</summary>
    internal IReadOnlyList<KerasRef<Metric>> CompiledMetrics => _metricSpecs;

    /// <summary>The weighted metrics given to <see cref="Compile"/>, as given; saved with the model.</summary>
    internal IReadOnlyList<KerasRef<Metric>> CompiledWeightedMetrics => _weightedMetricSpecs;

    /// <summary>The loss weights given to <see cref="Compile"/> (null: none); saved with the model.</summary>
    internal IReadOnlyList<float>? CompiledLossWeights => _lossWeights;

    /// <summary>
    /// Configures training (Keras <c>compile</c>). Each argument takes a Keras name or an object.
    /// </summary>
    /// <param name="optimizer">Keras default "rmsprop".</param>
    /// <param name="loss">The loss of every output.</param>
    /// <param name="metrics">
    /// Metrics computed on every output ("accuracy" resolves by the label shape, keras-compat §5.4).
    /// As in Keras they ignore sample and class weights (output masks still apply).
    /// </param>
    /// <param name="losses">One loss per output (instead of <paramref name="loss"/>).</param>
    /// <param name="lossWeights">Weights of the per-output losses in the total.</param>
    /// <param name="weightedMetrics">
    /// Keras's <c>weighted_metrics</c>: metrics on every output that do weigh each sample by the
    /// sample (or class) weights. A name already used by <paramref name="metrics"/> is logged
    /// as <c>weighted_</c> + name.
    /// </param>
    public void Compile(KerasRef<Optimizer>? optimizer = null, KerasRef<Loss>? loss = null, IReadOnlyList<KerasRef<Metric>>? metrics = null,
        IReadOnlyList<KerasRef<Loss>?>? losses = null, IReadOnlyList<float>? lossWeights = null,
        IReadOnlyList<KerasRef<Metric>>? weightedMetrics = null)
    {
        if (loss is not null && losses is not null)
            throw new ArgumentException("Pass either `loss` (every output) or `losses` (one per output), not both.");
        var opt = optimizer is null ? KerasObjects.Optimizer("rmsprop") : optimizer.Instance ?? KerasObjects.Optimizer(optimizer.Name!);
        int outputs = IsFunctional ? Outputs.Count : 1;
        Loss?[] resolved;
        if (losses is not null)
        {
            if (losses.Count != outputs)
                throw new ArgumentException($"The model '{Name}' has {outputs} output(s) ({string.Join(", ", OutputNames)}), but {losses.Count} losses were given.");
            resolved = losses.Select(ResolveLoss).ToArray();
        }
        else
        {
            var one = ResolveLoss(loss);
            resolved = Enumerable.Repeat(one, outputs).ToArray();
        }
        if (lossWeights is not null && lossWeights.Count != outputs)
            throw new ArgumentException($"The model '{Name}' has {outputs} output(s), but {lossWeights.Count} loss weights were given.");
        if (outputs > 1 && ((metrics?.Any(m => m.Instance is not null) ?? false) || (weightedMetrics?.Any(m => m.Instance is not null) ?? false)))
            throw new ArgumentException("Metric objects hold state, so one object cannot serve several outputs; pass metric names for a multi-output model.");
        if (metrics is not null && weightedMetrics is not null && metrics.Any(m => m.Instance is not null && weightedMetrics.Any(w => ReferenceEquals(w.Instance, m.Instance))))
            throw new ArgumentException("One metric object cannot be in both `metrics` and `weighted_metrics`: it holds one state.");
        lock (_trainLock)
        {
            _optimizer = opt;
            _compiledLosses = resolved;
            _lossWeights = lossWeights?.ToArray();
            _metricSpecs = metrics?.ToArray() ?? Array.Empty<KerasRef<Metric>>();
            _metrics = null;
            _weightedMetricSpecs = weightedMetrics?.ToArray() ?? Array.Empty<KerasRef<Metric>>();
            _weightedMetrics = null;
        }
    }

    private static Loss? ResolveLoss(KerasRef<Loss>? loss) =>
        loss is null ? null : loss.Instance ?? KerasObjects.Loss(loss.Name!);

    // ---- Fit ----------------------------------------------------------------------------------

    /// <summary>Trains on in-memory tensors (Keras <c>fit</c>); see the parameters for Keras's semantics.</summary>
    /// <param name="batchSize">Samples per step; Keras default 32.</param>
    /// <param name="epochs">The index of the last epoch + 1; training runs <paramref name="initialEpoch"/> … epochs−1.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch.</param>
    /// <param name="validationSplit">Fraction of the samples, taken from the END before any shuffling, to validate on.</param>
    /// <param name="validationData">Validation inputs and targets (overrides the split).</param>
    /// <param name="shuffle">Reshuffle the training samples every epoch.</param>
    /// <param name="classWeight">Class index → weight of its samples' loss (classes not listed weigh 1).</param>
    /// <param name="sampleWeight">Per-sample loss weights (batch,).</param>
    public History Fit(Tensor x, Tensor y, int? batchSize = null, int epochs = 1, int verbose = 1, IReadOnlyList<Callback>? callbacks = null,
        double validationSplit = 0, (Tensor X, Tensor Y)? validationData = null, bool shuffle = true,
        IReadOnlyDictionary<int, double>? classWeight = null, Tensor? sampleWeight = null, int initialEpoch = 0,
        int? stepsPerEpoch = null, int? validationSteps = null, int? validationBatchSize = null, int validationFreq = 1) =>
        Fit([x], [y], batchSize, epochs, verbose, callbacks, validationSplit,
            validationData is { } v ? ([v.X], [v.Y]) : null, shuffle, classWeight, sampleWeight, initialEpoch,
            stepsPerEpoch, validationSteps, validationBatchSize, validationFreq);

    /// <summary>Trains on host arrays: x (samples, features), y (samples, targets).</summary>
    public History Fit(float[,] x, float[,] y, int? batchSize = null, int epochs = 1, int verbose = 1, IReadOnlyList<Callback>? callbacks = null,
        double validationSplit = 0, bool shuffle = true, IReadOnlyDictionary<int, double>? classWeight = null, int initialEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return FitArrays([SampleArray.FromArray(x)], [SampleArray.FromArray(y)], null, batchSize, epochs, verbose, callbacks, validationSplit,
            null, shuffle, classWeight, initialEpoch, null, null, null, 1);
    }

    /// <summary>Trains a model with several inputs and/or outputs on in-memory tensors.</summary>
    public History Fit(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int? batchSize = null, int epochs = 1, int verbose = 1,
        IReadOnlyList<Callback>? callbacks = null, double validationSplit = 0,
        (IReadOnlyList<Tensor> X, IReadOnlyList<Tensor> Y)? validationData = null, bool shuffle = true,
        IReadOnlyDictionary<int, double>? classWeight = null, Tensor? sampleWeight = null, int initialEpoch = 0,
        int? stepsPerEpoch = null, int? validationSteps = null, int? validationBatchSize = null, int validationFreq = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var hx = x.Select((t, i) => SampleArray.FromTensor(t, $"x[{i}]")).ToArray();
        var hy = y.Select((t, i) => SampleArray.FromTensor(t, $"y[{i}]")).ToArray();
        var hs = sampleWeight is null ? null : SampleArray.FromTensor(sampleWeight, "sample_weight");
        (SampleArray[], SampleArray[])? val = validationData is { } v
            ? (v.X.Select((t, i) => SampleArray.FromTensor(t, $"validation x[{i}]")).ToArray(), v.Y.Select((t, i) => SampleArray.FromTensor(t, $"validation y[{i}]")).ToArray())
            : null;
        return FitArrays(hx, hy, hs, batchSize, epochs, verbose, callbacks, validationSplit, val, shuffle, classWeight, initialEpoch,
            stepsPerEpoch, validationSteps, validationBatchSize, validationFreq);
    }

    /// <summary>Trains on batches from a data source (Keras PyDataset), read on a background thread.</summary>
    public History Fit(DataSource data, int epochs = 1, int verbose = 1, IReadOnlyList<Callback>? callbacks = null,
        DataSource? validationData = null, bool shuffle = true, int initialEpoch = 0, int? stepsPerEpoch = null,
        int? validationSteps = null, int validationFreq = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FitLoop(new SourceEpochData(data), validationData is null ? null : new SourceEpochData(validationData),
            epochs, verbose, callbacks, shuffle, initialEpoch, stepsPerEpoch, validationSteps, validationFreq);
    }

    private History FitArrays(SampleArray[] x, SampleArray[] y, SampleArray? sampleWeight, int? batchSize, int epochs, int verbose,
        IReadOnlyList<Callback>? callbacks, double validationSplit, (SampleArray[] X, SampleArray[] Y)? validationData, bool shuffle,
        IReadOnlyDictionary<int, double>? classWeight, int initialEpoch, int? stepsPerEpoch, int? validationSteps,
        int? validationBatchSize, int validationFreq)
    {
        int size = batchSize ?? 32;
        var backend = DeepNet.Backends.Backend.Current;
        if (classWeight is not null)
        {
            if (sampleWeight is not null) throw new ArgumentException("You cannot use `class_weight` and `sample_weight` at the same time.");
            if (y.Length != 1) throw new ArgumentException("`class_weight` is only supported for models with a single output.");
            sampleWeight = ClassWeights.ToSampleWeights(y[0], classWeight);
        }
        ArrayEpochData? validation = null;
        if (validationData is { } vd)
        {
            validation = new ArrayEpochData(vd.X, vd.Y, null, validationBatchSize ?? size, backend);
        }
        else if (validationSplit != 0)
        {
            if (!(validationSplit > 0 && validationSplit < 1))
                throw new ArgumentOutOfRangeException(nameof(validationSplit), $"validation_split must be between 0 and 1. Received: validation_split={validationSplit}");
            int n = x[0].Count;
            int split = (int)Math.Floor(n * (1 - validationSplit));
            if (split == 0 || split == n)
                throw new ArgumentException($"Training data contains {n} samples, which is not sufficient to split it into a validation and training set as specified by `validation_split={validationSplit}`. Either provide more data, or a different value for the `validation_split` argument.");
            // Keras takes the LAST samples for validation, before any shuffling.
            validation = new ArrayEpochData(x.Select(a => a.Slice(split, n - split)).ToArray(), y.Select(a => a.Slice(split, n - split)).ToArray(),
                sampleWeight?.Slice(split, n - split), validationBatchSize ?? size, backend);
            x = x.Select(a => a.Slice(0, split)).ToArray();
            y = y.Select(a => a.Slice(0, split)).ToArray();
            sampleWeight = sampleWeight?.Slice(0, split);
        }
        var train = new ArrayEpochData(x, y, sampleWeight, size, backend);
        return FitLoop(train, validation, epochs, verbose, callbacks, shuffle, initialEpoch, stepsPerEpoch, validationSteps, validationFreq);
    }

    private History FitLoop(EpochData train, EpochData? validation, int epochs, int verbose, IReadOnlyList<Callback>? callbacks,
        bool shuffle, int initialEpoch, int? stepsPerEpoch, int? validationSteps, int validationFreq)
    {
        EnsureCompiled("fit");
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), $"epochs must be non-negative. Received: epochs={epochs}");
        if (initialEpoch < 0) throw new ArgumentOutOfRangeException(nameof(initialEpoch), $"initial_epoch must be non-negative. Received: initial_epoch={initialEpoch}");
        if (validationFreq < 1) throw new ArgumentOutOfRangeException(nameof(validationFreq), $"validation_freq must be a positive integer. Received: validation_freq={validationFreq}");
        if (verbose is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(verbose), $"verbose must be 0, 1 or 2. Received: verbose={verbose}");

        int steps = Math.Min(train.Steps, stepsPerEpoch ?? int.MaxValue);
        var history = new History();
        var list = MakeCallbacks(callbacks, history, verbose, epochs, steps);
        if (verbose >= 1) PrintBackend(list);

        StopTraining = false;
        list.OnTrainBegin();
        IDictionary<string, double>? trainingLogs = null;
        for (int epoch = initialEpoch; epoch < epochs; epoch++)
        {
            ResetMetrics();
            list.OnEpochBegin(epoch);
            var tracker = new LossTracker(_compiledLosses.Length);
            IDictionary<string, double> logs = new SortedDictionary<string, double>(StringComparer.Ordinal);
            int step = 0;
            foreach (var batch in train.Batches(shuffle, steps))
            {
                try
                {
                    list.OnTrainBatchBegin(step);
                    RunStep(batch, tracker, train: true);
                }
                finally
                {
                    PrefetchReader.Free(batch);
                }
                logs = CurrentLogs(tracker);
                list.OnTrainBatchEnd(step, logs);
                step++;
                if (StopTraining) break;
            }
            train.OnEpochEnd();
            var epochLogs = new SortedDictionary<string, double>(logs, StringComparer.Ordinal);
            if (validation is not null && (epoch + 1) % validationFreq == 0)
            {
                var valLogs = RunTest(validation, list, validationSteps);
                foreach (var (k, v) in valLogs) epochLogs["val_" + k] = v;
            }
            list.OnEpochEnd(epoch, epochLogs);
            trainingLogs = epochLogs;
            if (StopTraining) break;
        }
        list.OnTrainEnd(trainingLogs);
        History = history;
        return history;
    }

    private void PrintBackend(CallbackList list)
    {
        var writer = list.Callbacks.OfType<ProgbarLogger>().FirstOrDefault()?.Output ?? Console.Out;
        var backend = DeepNet.Backends.Backend.Current;
        writer.WriteLine($"Backend: {backend.Name} ({backend.DeviceDescription})");
    }

    /// <summary>User callbacks, then History, then a ProgbarLogger when verbose (Keras 3's order).</summary>
    private CallbackList MakeCallbacks(IReadOnlyList<Callback>? callbacks, History? history, int verbose, int epochs, int steps)
    {
        var all = new List<Callback>(callbacks ?? Array.Empty<Callback>());
        if (history is not null && !all.OfType<History>().Any()) all.Add(history);
        if (verbose > 0 && !all.OfType<ProgbarLogger>().Any()) all.Add(new ProgbarLogger());
        var list = new CallbackList(all);
        list.SetModel(this);
        list.SetParams(new Dictionary<string, object?> { ["verbose"] = verbose, ["epochs"] = epochs, ["steps"] = steps });
        return list;
    }

    private void EnsureCompiled(string what)
    {
        if (!IsCompiled)
            throw new InvalidOperationException($"You must call `Compile()` before using the model in {what}. Model '{Name}'.");
        if (_compiledLosses.All(l => l is null) && what != "predict")
            throw new InvalidOperationException($"Model '{Name}' was compiled without a loss; pass `loss` to Compile before {what}.");
    }

    // ---- one step -------------------------------------------------------------------------------

    /// <summary>
    /// One training or test step on a batch, inside a tensor scope: forward, loss (with the
    /// layers' penalties), and when training the gradient and optimizer step; then metrics.
    /// </summary>
    private void RunStep(DataBatch batch, LossTracker tracker, bool train)
    {
        using var scope = TensorScope.Begin();
        var x = batch.X;
        var y = batch.Y;
        Tensor[] predictions;
        Tensor?[] masks;
        Tensor total;
        Tensor?[] perOutput;
        using (var context = CallContext.Begin())
        {
            if (train)
            {
                var variables = TrainableWeights;
                Tensor[] gradients;
                using (var tape = new GradientTape())
                {
                    predictions = ApplyWithMasks(x, training: true, out masks);
                    CheckTargets(y, predictions);
                    total = TotalLoss(y, predictions, masks, batch.SampleWeight, context.Losses, out perOutput);
                    gradients = variables.Count == 0 ? Array.Empty<Tensor>() : tape.Gradient(total, variables.Select(v => v.Value).ToArray());
                }
                if (variables.Count > 0)
                {
                    _optimizer!.ApplyGradients(gradients, variables);
                    ApplyConstraints();
                }
            }
            else
            {
                predictions = ApplyWithMasks(x, training: false, out masks);
                CheckTargets(y, predictions);
                total = TotalLoss(y, predictions, masks, batch.SampleWeight, context.Losses, out perOutput);
            }
        }
        int batchSize = x[0].Shape[0];
        tracker.Update(total.ToScalar(), perOutput.Select(p => p is null ? (double?)null : p.ToScalar()).ToArray(), batchSize);
        UpdateMetrics(y, predictions, masks, batch.SampleWeight);
    }

    /// <summary>
    /// The forward pass of a step, with each output's mask (Keras's <c>y_pred._keras_mask</c>,
    /// e.g. from <c>Embedding(mask_zero=True)</c> through layers that keep it). Masks come from
    /// the graph of a functional or Sequential model; a subclassed model, or one that overrides
    /// Call, reports none.
    /// </summary>
    private Tensor[] ApplyWithMasks(IReadOnlyList<Tensor> x, bool training, out Tensor?[] masks)
    {
        var shapes = x.Select(t => KerasShape.Of(t.Shape)).ToArray();
        CheckInputs(shapes);
        EnsureBuilt(shapes);
        CheckInputs(shapes);
        if (IsFunctional && RunsOwnGraph)
        {
            masks = new Tensor?[Outputs.Count];
            return RunGraph(x, training, masks);
        }
        var outputs = Call(x, training);
        masks = new Tensor?[outputs.Length];
        return outputs;
    }

    /// <summary>True when Call on a list of inputs is the graph run (Model's or Sequential's), not a user subclass's override.</summary>
    private bool RunsOwnGraph =>
        GetType().GetMethod(nameof(Call), [typeof(IReadOnlyList<Tensor>), typeof(bool)])?.DeclaringType is { } type
        && (type == typeof(Model) || type == typeof(Sequential));

    private void CheckTargets(IReadOnlyList<Tensor> y, Tensor[] predictions)
    {
        if (y.Count != predictions.Length)
            throw new ArgumentException($"Model '{Name}' has {predictions.Length} output(s) ({string.Join(", ", OutputNames)}), but {y.Count} target array(s) were given.");
        for (int i = 0; i < y.Count; i++)
        {
            if (y[i].Shape[0] != predictions[i].Shape[0])
                throw new ShapeMismatchException($"Model \"{Name}\"", $"target {i} has {y[i].Shape[0]} samples ({y[i].Shape}) but the output has {predictions[i].Shape[0]} ({predictions[i].Shape}).");
            _compiledLosses[i]?.Validate(y[i].Shape, y[i].DType, predictions[i].Shape);
        }
    }

    private Tensor TotalLoss(IReadOnlyList<Tensor> y, Tensor[] predictions, Tensor?[] masks, Tensor? sampleWeight, List<Tensor> activityLosses, out Tensor?[] perOutput)
    {
        perOutput = new Tensor?[predictions.Length];
        Tensor? total = null;
        for (int i = 0; i < predictions.Length; i++)
        {
            var loss = _compiledLosses[i];
            if (loss is null) continue;
            // The output's mask weighs the loss as Keras's Loss.__call__ does with y_pred's mask.
            var value = loss.Call(y[i], predictions[i], sampleWeight, masks[i]);
            if (_lossWeights is not null) value = Ops.Multiply(value, _lossWeights[i]);
            perOutput[i] = value;
            total = total is null ? value : Ops.Add(total, value);
        }
        total ??= Tensor.Scalar(0f, predictions[0].Backend);
        foreach (var penalty in Losses) total = Ops.Add(total, penalty);
        foreach (var penalty in activityLosses) total = Ops.Add(total, penalty);
        return total;
    }

    private void ApplyConstraints()
    {
        var constrained = new List<(Variable, Constraint)>();
        CollectConstraints(constrained, new HashSet<Layers.Layer>());
        foreach (var (variable, constraint) in constrained)
        {
            if (!variable.Trainable) continue;
            variable.Assign(constraint.Call(variable.Value));
        }
    }

    // ---- metrics ------------------------------------------------------------------------------

    // As Keras's CompileMetrics: plain metrics never see the sample weights, weighted metrics do;
    // both see the outputs' masks.
    private void UpdateMetrics(IReadOnlyList<Tensor> y, Tensor[] predictions, Tensor?[] masks, Tensor? sampleWeight)
    {
        if (_metricSpecs.Count > 0)
        {
            _metrics ??= ResolveMetrics(_metricSpecs, y, predictions);
            for (int i = 0; i < predictions.Length; i++)
            {
                foreach (var m in _metrics[i]) m.UpdateState(y[i], predictions[i], null, masks[i]);
            }
        }
        if (_weightedMetricSpecs.Count > 0)
        {
            _weightedMetrics ??= ResolveMetrics(_weightedMetricSpecs, y, predictions);
            for (int i = 0; i < predictions.Length; i++)
            {
                foreach (var m in _weightedMetrics[i]) m.UpdateState(y[i], predictions[i], sampleWeight, masks[i]);
            }
        }
    }

    private static Metric[][] ResolveMetrics(IReadOnlyList<KerasRef<Metric>> specs, IReadOnlyList<Tensor> y, Tensor[] predictions)
    {
        var result = new Metric[predictions.Length][];
        for (int i = 0; i < predictions.Length; i++)
            result[i] = specs.Select(s => s.Instance ?? KerasObjects.Metric(s.Name!, y[i].Shape, predictions[i].Shape)).ToArray();
        return result;
    }

    private void ResetMetrics()
    {
        foreach (var set in new[] { _metrics, _weightedMetrics })
        {
            if (set is null) continue;
            foreach (var list in set)
            {
                foreach (var m in list) m.ResetState();
            }
        }
    }

    /// <summary>The running logs: loss (and per-output losses), then metrics; sorted as Keras 3 does.</summary>
    private IDictionary<string, double> CurrentLogs(LossTracker tracker)
    {
        var logs = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["loss"] = tracker.Mean };
        bool multi = _compiledLosses.Length > 1;
        var names = OutputNames;
        if (multi)
        {
            for (int i = 0; i < _compiledLosses.Length; i++)
            {
                if (tracker.OutputMean(i) is double v) logs[$"{names[i]}_loss"] = v;
            }
        }
        // Keras's CompileMetrics.result naming: a repeated plain name gets _1, _2…; a weighted
        // metric whose name is taken becomes weighted_<name> (then _1, _2… if that is taken too).
        var used = new Dictionary<string, int>(StringComparer.Ordinal);
        if (_metrics is not null)
        {
            for (int i = 0; i < _metrics.Length; i++)
            {
                foreach (var m in _metrics[i])
                {
                    string key = multi ? $"{names[i]}_{m.Name}" : m.Name;
                    if (used.TryGetValue(key, out int index))
                    {
                        used[key] = index + 1;
                        key = $"{key}_{index}";
                    }
                    else used[key] = 1;
                    logs[key] = m.Result();
                }
            }
        }
        if (_weightedMetrics is not null)
        {
            for (int i = 0; i < _weightedMetrics.Length; i++)
            {
                foreach (var m in _weightedMetrics[i])
                {
                    string key = multi ? $"{names[i]}_{m.Name}" : m.Name;
                    if (used.ContainsKey(key))
                    {
                        key = multi ? $"{names[i]}_weighted_{m.Name}" : $"weighted_{m.Name}";
                        if (used.TryGetValue(key, out int index))
                        {
                            used[key] = index + 1;
                            key = $"{key}_{index}";
                        }
                        else used[key] = 1;
                    }
                    else used[key] = 1;
                    logs[key] = m.Result();
                }
            }
        }
        return logs;
    }

    // ---- Evaluate -----------------------------------------------------------------------------

    /// <summary>
    /// Loss and metrics on the given data (Keras <c>evaluate(..., return_dict=True)</c>): keys
    /// <c>loss</c> and the metric names.
    /// </summary>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor x, Tensor y, int? batchSize = null, int verbose = 1, Tensor? sampleWeight = null,
        int? steps = null, IReadOnlyList<Callback>? callbacks = null) =>
        Evaluate([x], [y], batchSize, verbose, sampleWeight, steps, callbacks);

    /// <summary>Evaluate for several inputs and/or outputs.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int? batchSize = null, int verbose = 1,
        Tensor? sampleWeight = null, int? steps = null, IReadOnlyList<Callback>? callbacks = null)
    {
        var data = new ArrayEpochData(x.Select((t, i) => SampleArray.FromTensor(t, $"x[{i}]")).ToArray(),
            y.Select((t, i) => SampleArray.FromTensor(t, $"y[{i}]")).ToArray(),
            sampleWeight is null ? null : SampleArray.FromTensor(sampleWeight, "sample_weight"), batchSize ?? 32, DeepNet.Backends.Backend.Current);
        return EvaluateData(data, verbose, steps, callbacks);
    }

    /// <summary>Evaluate on batches from a data source.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(DataSource data, int verbose = 1, int? steps = null, IReadOnlyList<Callback>? callbacks = null) =>
        EvaluateData(new SourceEpochData(data), verbose, steps, callbacks);

    private IReadOnlyDictionary<string, double> EvaluateData(EpochData data, int verbose, int? steps, IReadOnlyList<Callback>? callbacks)
    {
        EnsureCompiled("evaluate");
        var list = MakeCallbacks(callbacks, null, verbose, 1, Math.Min(data.Steps, steps ?? int.MaxValue));
        return RunTest(data, list, steps);
    }

    /// <summary>The test loop (Evaluate, and validation inside Fit).</summary>
    private SortedDictionary<string, double> RunTest(EpochData data, CallbackList callbacks, int? steps)
    {
        ResetMetrics();
        callbacks.OnTestBegin();
        var tracker = new LossTracker(_compiledLosses.Length);
        IDictionary<string, double> logs = new SortedDictionary<string, double>(StringComparer.Ordinal);
        int step = 0;
        foreach (var batch in data.Batches(shuffle: false, steps))
        {
            try
            {
                callbacks.OnTestBatchBegin(step);
                RunStep(batch, tracker, train: false);
            }
            finally
            {
                PrefetchReader.Free(batch);
            }
            logs = CurrentLogs(tracker);
            callbacks.OnTestBatchEnd(step, logs);
            step++;
        }
        var result = new SortedDictionary<string, double>(logs, StringComparer.Ordinal);
        callbacks.OnTestEnd(result);
        return result;
    }

    // ---- Predict ------------------------------------------------------------------------------

    /// <summary>
    /// Outputs for the given inputs, computed in batches (Keras <c>predict</c>). Safe to call from
    /// many threads at once on one model: nothing mutable is shared between calls. Verbose
    /// defaults to 0 here (Keras shows a bar) so services stay quiet.
    /// </summary>
    public Tensor Predict(Tensor x, int? batchSize = null, int verbose = 0, int? steps = null, IReadOnlyList<Callback>? callbacks = null)
    {
        var outputs = PredictMany([x], batchSize, verbose, steps, callbacks);
        if (outputs.Length != 1)
        {
            foreach (var o in outputs) o.Dispose();
            throw new InvalidOperationException($"Model '{Name}' has {outputs.Length} outputs; use PredictMany.");
        }
        return outputs[0];
    }

    /// <summary>Outputs for host data (samples, features).</summary>
    public Tensor Predict(float[,] x, int? batchSize = null, int verbose = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        var data = new ArrayEpochData([SampleArray.FromArray(x)], null, null, batchSize ?? 32, DeepNet.Backends.Backend.Current);
        return Single(PredictData(data, verbose, null, null));
    }

    /// <summary>Every output of a model with several inputs and/or outputs.</summary>
    public Tensor[] PredictMany(IReadOnlyList<Tensor> x, int? batchSize = null, int verbose = 0, int? steps = null, IReadOnlyList<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (FitsOneBatch(x, batchSize ?? 32) && verbose == 0 && callbacks is null && (steps is null || steps > 0))
            return PredictOneBatch(x);
        var data = new ArrayEpochData(x.Select((t, i) => SampleArray.FromTensor(t, $"x[{i}]")).ToArray(), null, null, batchSize ?? 32,
            x.Count > 0 ? x[0].Backend : DeepNet.Backends.Backend.Current);
        return PredictData(data, verbose, steps, callbacks);
    }

    /// <summary>Whether tensor inputs make exactly one batch: then Predict needs no copies to the host and back.</summary>
    private static bool FitsOneBatch(IReadOnlyList<Tensor> x, int batchSize)
    {
        if (x.Count == 0 || x.Any(t => t is null || t.Rank == 0)) return false;
        int samples = x[0].Shape[0];
        return samples >= 1 && samples <= batchSize && x.All(t => t.Shape[0] == samples && t.Backend == x[0].Backend);
    }

    /// <summary>Predict's result for inputs that fit one batch, computed on the inputs where they are.</summary>
    private Tensor[] PredictOneBatch(IReadOnlyList<Tensor> x)
    {
        using var scope = TensorScope.Begin();
        var outputs = ApplyMany(x, training: false);
        var result = new Tensor[outputs.Length];
        for (int i = 0; i < outputs.Length; i++)
            result[i] = scope.Keep(Ops.Copy(outputs[i].DType == DeepNet.DType.Float32 ? outputs[i] : Ops.Cast(outputs[i], DeepNet.DType.Float32)));
        return result;
    }

    /// <summary>Outputs for the inputs of a data source (its targets are ignored).</summary>
    public Tensor[] Predict(DataSource data, int verbose = 0, int? steps = null, IReadOnlyList<Callback>? callbacks = null) =>
        PredictData(new SourceEpochData(data), verbose, steps, callbacks);

    private static Tensor Single(Tensor[] outputs)
    {
        if (outputs.Length == 1) return outputs[0];
        foreach (var o in outputs) o.Dispose();
        throw new InvalidOperationException($"The model has {outputs.Length} outputs; use PredictMany.");
    }

    private Tensor[] PredictData(EpochData data, int verbose, int? steps, IReadOnlyList<Callback>? callbacks)
    {
        var list = MakeCallbacks(callbacks, null, verbose, 1, Math.Min(data.Steps, steps ?? int.MaxValue));
        list.OnPredictBegin();
        List<float>[]? chunks = null;
        int[][]? sampleDims = null;
        int rows = 0;
        IBackend? backend = null;
        int step = 0;
        foreach (var batch in data.Batches(shuffle: false, steps))
        {
            try
            {
                list.OnPredictBatchBegin(step);
                using var scope = TensorScope.Begin();
                var outputs = ApplyMany(batch.X, training: false);
                chunks ??= outputs.Select(_ => new List<float>()).ToArray();
                sampleDims ??= outputs.Select(o => o.Shape.ToArray()[1..]).ToArray();
                backend ??= outputs[0].Backend;
                for (int i = 0; i < outputs.Length; i++) chunks[i].AddRange(outputs[i].ToArray());
                rows += outputs[0].Shape[0];
            }
            finally
            {
                PrefetchReader.Free(batch);
            }
            list.OnPredictBatchEnd(step);
            step++;
        }
        list.OnPredictEnd();
        if (chunks is null) throw new ArgumentException($"Model '{Name}': Predict received no data.");
        var result = new Tensor[chunks.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = Tensor.FromArray(chunks[i].ToArray(), new Shape([rows, .. sampleDims![i]]), backend);
        return result;
    }

    // ---- *OnBatch -----------------------------------------------------------------------------

    /// <summary>One gradient step on one batch (Keras <c>train_on_batch</c>, metrics reset first); returns the batch's logs.</summary>
    public IReadOnlyDictionary<string, double> TrainOnBatch(Tensor x, Tensor y, Tensor? sampleWeight = null, IReadOnlyDictionary<int, double>? classWeight = null) =>
        OnBatch([x], [y], sampleWeight, classWeight, train: true);

    /// <summary>TrainOnBatch for several inputs and/or outputs.</summary>
    public IReadOnlyDictionary<string, double> TrainOnBatch(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, Tensor? sampleWeight = null) =>
        OnBatch(x, y, sampleWeight, null, train: true);

    /// <summary>Loss and metrics on one batch (Keras <c>test_on_batch</c>).</summary>
    public IReadOnlyDictionary<string, double> TestOnBatch(Tensor x, Tensor y, Tensor? sampleWeight = null) =>
        OnBatch([x], [y], sampleWeight, null, train: false);

    /// <summary>Outputs for one batch (Keras <c>predict_on_batch</c>); the caller owns the result.</summary>
    public Tensor PredictOnBatch(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor result;
        using (var scope = TensorScope.Begin())
        {
            var outputs = ApplyMany([x], training: false);
            if (outputs.Length != 1) throw new InvalidOperationException($"Model '{Name}' has {outputs.Length} outputs; use ApplyMany.");
            result = scope.Keep(Ops.Copy(outputs[0]));
        }
        return result;
    }

    private IReadOnlyDictionary<string, double> OnBatch(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, Tensor? sampleWeight,
        IReadOnlyDictionary<int, double>? classWeight, bool train)
    {
        EnsureCompiled(train ? "train_on_batch" : "test_on_batch");
        Tensor? weights = sampleWeight;
        Tensor? owned = null;
        if (classWeight is not null)
        {
            if (sampleWeight is not null) throw new ArgumentException("You cannot use `class_weight` and `sample_weight` at the same time.");
            var sw = ClassWeights.ToSampleWeights(SampleArray.FromTensor(y[0], "y"), classWeight);
            owned = weights = sw.Gather(Enumerable.Range(0, sw.Count).ToArray(), y[0].Backend);
        }
        try
        {
            ResetMetrics();
            var tracker = new LossTracker(_compiledLosses.Length);
            RunStep(new DataBatch(x, y, weights), tracker, train);
            return CurrentLogs(tracker).ToDictionary(StringComparer.Ordinal);
        }
        finally
        {
            owned?.Dispose();
        }
    }
}
