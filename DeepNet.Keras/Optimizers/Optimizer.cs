using System.Text.RegularExpressions;
using DeepNet.Backends;
using DeepNet.Keras.Constraints;
using DeepNet.Keras.Optimizers.Schedules;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Optimizers;

/// <summary>
/// Base of every optimizer (Keras <c>keras.optimizers.Optimizer</c>). It owns what all optimizers
/// share: the iteration counter, the learning rate (a value or a schedule), loss-scale unscaling,
/// gradient accumulation, gradient clipping (clipnorm, global_clipnorm, clipvalue) and decoupled
/// weight decay. A concrete optimizer makes its slot variables in <see cref="CreateSlots"/> and
/// describes its rule in <see cref="PrepareStep"/>; the update itself is one fused backend kernel
/// per variable (<see cref="IBackend.OptimizerUpdate"/>).
/// </summary>
public abstract class Optimizer : IDisposable
{
    private static readonly Dictionary<string, int> s_nameCounts = new(StringComparer.Ordinal);

    // Every optimizer variable in Keras save order: iteration, learning_rate (absent with a
    // schedule), then what Build creates, in creation order.
    private readonly List<Variable> _variables = new();
    private readonly Variable _iterations;
    private readonly Dictionary<Variable, int> _indices = new(ReferenceEqualityComparer.Instance);
    private Variable? _learningRateVariable;
    private LearningRateSchedule? _schedule;
    private Variable[] _trainable = Array.Empty<Variable>();
    private Variable[]? _accumulators;
    private Tensor[][] _kernelSlots = Array.Empty<Tensor[]>();
    private bool[] _decays = Array.Empty<bool>();
    private HashSet<Variable>? _excludedFromDecay;
    private Regex? _excludedFromDecayNames;

    // Per-step scratch, reused so that a step allocates no bookkeeping.
    private Tensor[] _stepGradients = Array.Empty<Tensor>();
    private int[] _stepIndices = Array.Empty<int>();
    private readonly List<Tensor> _temporaries = new();

    protected Optimizer(string className, OptimizerOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(className);
        ArgumentNullException.ThrowIfNull(options);
        ClassName = className;

        int clipArguments = (options.Clipnorm is null ? 0 : 1) + (options.Clipvalue is null ? 0 : 1) + (options.GlobalClipnorm is null ? 0 : 1);
        if (clipArguments > 1)
            throw new ArgumentException(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. " +
                $"Received: clipnorm={Show(options.Clipnorm)}, clipvalue={Show(options.Clipvalue)}, global_clipnorm={Show(options.GlobalClipnorm)}.");
        if (options.UseEma)
            throw new NotSupportedException($"{className}: use_ema=True (an exponential moving average of the weights) is not supported yet; create the optimizer with useEma: false.");
        if (options.EmaMomentum is < 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.EmaMomentum, $"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={options.EmaMomentum}");
        if (options.GradientAccumulationSteps is int steps && steps < 2)
            throw new ArgumentOutOfRangeException(nameof(options), steps, $"`gradient_accumulation_steps` must be an integer >= 2. Received: gradient_accumulation_steps={steps}");
        if (options.LossScaleFactor is double scale && (!double.IsFinite(scale) || scale == 0))
            throw new ArgumentOutOfRangeException(nameof(options), scale, $"`loss_scale_factor` must be a finite non-zero number. Received: loss_scale_factor={scale}");

        Name = options.Name ?? NextName(ToSnakeCase(className));
        WeightDecay = options.WeightDecay;
        Clipnorm = options.Clipnorm;
        Clipvalue = options.Clipvalue;
        GlobalClipnorm = options.GlobalClipnorm;
        UseEma = options.UseEma;
        EmaMomentum = options.EmaMomentum;
        EmaOverwriteFrequency = options.EmaOverwriteFrequency;
        LossScaleFactor = options.LossScaleFactor;
        GradientAccumulationSteps = options.GradientAccumulationSteps;

        _iterations = new Variable(Tensor.Zeros(Shape.Scalar, DType.Int64), "iteration", trainable: false) { Path = $"{Name}/iteration" };
        _variables.Add(_iterations);
        if (options.LearningRate.Schedule is { } schedule) _schedule = schedule;
        else LearningRate = options.LearningRate.Value;
    }

    // ---- hyper-parameters shared by every optimizer ----------------------------------------------

    /// <summary>Keras class name (<c>Adam</c>, <c>SGD</c>, <c>RMSprop</c>, ...).</summary>
    public string ClassName { get; }

    /// <summary>Object name, prefix of the variable paths (<c>adam</c>, <c>adam_1</c>, ...).</summary>
    public string Name { get; }

    /// <summary>Decoupled weight decay: w ← w − lr·wd·w before each update (null: none).</summary>
    public double? WeightDecay { get; }

    /// <summary>Each gradient is rescaled so that its L2 norm is at most this.</summary>
    public double? Clipnorm { get; }

    /// <summary>Each gradient element is clipped to [−clipvalue, clipvalue].</summary>
    public double? Clipvalue { get; }

    /// <summary>All gradients are rescaled together so that their joint L2 norm is at most this.</summary>
    public double? GlobalClipnorm { get; }

    /// <summary>Always false for now (kept for the config).</summary>
    public bool UseEma { get; }

    public double EmaMomentum { get; }

    public int? EmaOverwriteFrequency { get; }

    /// <summary>Gradients are divided by this before anything else (the loss was multiplied by it).</summary>
    public double? LossScaleFactor { get; }

    /// <summary>When set, variables change only every N calls, with the mean of the N gradients.</summary>
    public int? GradientAccumulationSteps { get; }

    /// <summary>
    /// Optional hook: the constraint of a variable, applied after each step (Keras applies
    /// <c>variable.constraint</c> here). Models apply their layers' constraints themselves, so this
    /// is only for driving an optimizer directly.
    /// </summary>
    public Func<Variable, Constraint?>? ConstraintLookup { get; set; }

    // ---- state ---------------------------------------------------------------------------------

    /// <summary>Whether the slot variables exist (after the first <see cref="ApplyGradients"/> or <see cref="Build"/>).</summary>
    public bool Built { get; private set; }

    /// <summary>
    /// Steps taken so far (Keras <c>optimizer.iterations</c>). With gradient accumulation, the
    /// number of real updates (calls / gradient_accumulation_steps).
    /// </summary>
    public long Iterations
    {
        get
        {
            long calls = ReadCounter();
            return GradientAccumulationSteps is int steps ? calls / steps : calls;
        }
    }

    /// <summary>
    /// The learning rate the next step uses. Setting it replaces a schedule with a constant, as
    /// a callback assigning <c>optimizer.learning_rate</c> expects.
    /// </summary>
    public float LearningRate
    {
        get => _schedule is { } schedule ? schedule.Call(ReadCounter()) : _learningRateVariable!.Value.ToScalar();
        set
        {
            if (!float.IsFinite(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, $"{ClassName}: the learning rate must be a finite number.");
            if (_learningRateVariable is null)
            {
                _learningRateVariable = new Variable(Tensor.Scalar(value, _iterations.Value.Backend), "learning_rate", trainable: false) { Path = $"{Name}/learning_rate" };
                _variables.Insert(1, _learningRateVariable);
            }
            else
            {
                _learningRateVariable.Assign(new[] { value });
            }
            _schedule = null;
        }
    }

    /// <summary>
    /// The learning-rate schedule, or null for a constant rate. Setting a schedule drops the
    /// learning_rate variable from <see cref="Variables"/>, as Keras untracks it.
    /// </summary>
    public LearningRateSchedule? Schedule
    {
        get => _schedule;
        set
        {
            if (value is null)
            {
                if (_schedule is not null) LearningRate = _schedule.Call(ReadCounter());
                return;
            }
            _schedule = value;
            if (_learningRateVariable is not null)
            {
                _variables.Remove(_learningRateVariable);
                _learningRateVariable.Dispose();
                _learningRateVariable = null;
            }
        }
    }

    /// <summary>
    /// State in Keras save order: iteration, learning rate (absent with a schedule), then the
    /// variables <see cref="Build"/> made (accumulators, then slots in Keras's creation order).
    /// </summary>
    public IReadOnlyList<Variable> Variables => _variables.ToArray();

    /// <summary>The model variables the optimizer was built for.</summary>
    public IReadOnlyList<Variable> TrainableVariables => _trainable;

    /// <summary>
    /// Keeps weight decay off some variables: those listed, and those whose name contains a match
    /// of any of <paramref name="varNames"/> (regular expressions, as Keras). Only before building.
    /// </summary>
    public void ExcludeFromWeightDecay(IEnumerable<Variable>? varList = null, IEnumerable<string>? varNames = null)
    {
        if (Built)
            throw new InvalidOperationException($"{ClassName} '{Name}': ExcludeFromWeightDecay can only be configured before the optimizer is built.");
        _excludedFromDecay = varList is null ? null : new HashSet<Variable>(varList, ReferenceEqualityComparer.Instance);
        var names = varNames?.ToArray();
        _excludedFromDecayNames = names is { Length: > 0 } ? new Regex(string.Join("|", names), RegexOptions.CultureInvariant) : null;
    }

    /// <summary>
    /// Multiplies a loss by <see cref="LossScaleFactor"/> before gradients are taken (Keras
    /// <c>scale_loss</c>); <see cref="ApplyGradients(IReadOnlyList{Tensor}, IReadOnlyList{Variable})"/>
    /// divides the gradients back. Returns the loss itself when no factor is set.
    /// </summary>
    public Tensor ScaleLoss(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return LossScaleFactor is double scale ? Ops.Multiply(loss, (float)scale) : loss;
    }

    // ---- building ------------------------------------------------------------------------------

    /// <summary>Makes the optimizer's variables for <paramref name="variables"/>; a no-op once built.</summary>
    public void Build(IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (Built) return;
        for (int i = 0; i < variables.Count; i++)
        {
            var v = variables[i] ?? throw new ArgumentException($"{ClassName}.Build: variable {i} is null.", nameof(variables));
            if (v.DType != DType.Float32)
                throw new ArgumentException($"{ClassName}.Build: variable '{v.Path}' is {v.DType.Name()}; optimizers update float32 variables only.", nameof(variables));
            if (!_indices.TryAdd(v, i))
                throw new ArgumentException($"{ClassName}.Build: variable '{v.Path}' is listed twice.", nameof(variables));
        }
        _trainable = variables.ToArray();
        _stepGradients = new Tensor[_trainable.Length];
        _stepIndices = new int[_trainable.Length];
        _kernelSlots = new Tensor[_trainable.Length][];
        Array.Fill(_kernelSlots, Array.Empty<Tensor>());
        if (GradientAccumulationSteps is not null)
            _accumulators = AddOptimizerVariables(_trainable, ["gradient_accumulator"])[0];
        CreateSlots(_trainable);
        _decays = new bool[_trainable.Length];
        for (int i = 0; i < _trainable.Length; i++) _decays[i] = UsesWeightDecay(_trainable[i]);
        Built = true;
    }

    /// <summary>Creates the optimizer's slots (Keras <c>build</c>) through <see cref="AddOptimizerVariables"/>.</summary>
    protected abstract void CreateSlots(IReadOnlyList<Variable> variables);

    /// <summary>
    /// One slot per variable per name, interleaved per variable as Keras creates them (Adam:
    /// m₀, v₀, m₁, v₁, ...), named <c>{variable path with / → _}_{name}</c> under the optimizer's
    /// name (<c>adam/dense_kernel_momentum</c>). Returns result[name][variable].
    /// </summary>
    protected Variable[][] AddOptimizerVariables(IReadOnlyList<Variable> variables, string[] names, float[]? initialValues = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(names);
        if (initialValues is not null && initialValues.Length != names.Length)
            throw new ArgumentException($"{ClassName}: {names.Length} slot names but {initialValues.Length} initial values.", nameof(initialValues));
        var result = new Variable[names.Length][];
        for (int n = 0; n < names.Length; n++) result[n] = new Variable[variables.Count];
        for (int i = 0; i < variables.Count; i++)
        {
            var reference = variables[i];
            for (int n = 0; n < names.Length; n++)
            {
                float initial = initialValues?[n] ?? 0f;
                var value = Tensor.Full(reference.Shape, initial, reference.Value.Backend);
                result[n][i] = AddVariable($"{reference.Path.Replace('/', '_')}_{names[n]}", value);
            }
        }
        return result;
    }

    /// <summary>Tracks one more optimizer variable (taking ownership of <paramref name="initialValue"/>).</summary>
    protected Variable AddVariable(string name, Tensor initialValue)
    {
        var variable = new Variable(initialValue, name, trainable: false) { Path = $"{Name}/{name}" };
        _variables.Add(variable);
        return variable;
    }

    /// <summary>
    /// Declares the slots the backend kernel receives for each variable, in the order
    /// <see cref="OptimizerKind"/> lists them: for variable i, groups[0][i], groups[1][i], ...
    /// </summary>
    protected void SetKernelSlots(params Variable[][] groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        for (int i = 0; i < _kernelSlots.Length; i++)
        {
            var slots = new Tensor[groups.Length];
            for (int k = 0; k < groups.Length; k++) slots[k] = groups[k][i].Value;
            _kernelSlots[i] = slots;
        }
    }

    // ---- the update ----------------------------------------------------------------------------

    /// <summary>
    /// The step every variable of this update shares (called once per update, before any
    /// variable changes): the optimizer's kind and hyper-parameters. The base fills in weight decay.
    /// </summary>
    /// <param name="learningRate">The current rate (the schedule evaluated at the counter).</param>
    /// <param name="iteration">t, counted from 1 at the first update.</param>
    protected abstract OptimizerStep PrepareStep(float learningRate, long iteration);

    /// <summary>Updates one variable in place; the default runs the fused backend kernel.</summary>
    protected virtual void UpdateStep(Tensor gradient, Variable variable, int index, in OptimizerStep step) =>
        variable.Value.Backend.OptimizerUpdate(step, variable.Value, gradient, _kernelSlots[index]);

    /// <summary>
    /// Applies one step to each variable (Keras <c>apply</c>); builds the slots on first use.
    /// Order, as Keras: unscale by loss_scale_factor, accumulate (when configured), clip, decay
    /// and update, then constraints, then the counter. A null gradient leaves its variable alone.
    /// </summary>
    public void ApplyGradients(IReadOnlyList<Tensor> gradients, IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(variables);
        if (gradients.Count != variables.Count)
            throw new ArgumentException($"{ClassName}.ApplyGradients: got {gradients.Count} gradients for {variables.Count} variables.", nameof(gradients));
        if (gradients.Count == 0) return;
        if (!Built) Build(variables);

        // Match each pair to the built variables (scratch arrays are reused across steps).
        int count = 0;
        for (int i = 0; i < variables.Count; i++)
        {
            var v = variables[i];
            if (v is null || !_indices.TryGetValue(v, out int index))
                throw new ArgumentException($"{ClassName}.ApplyGradients: unknown variable '{v?.Path}'. This optimizer can only be called for the variables it was originally built with; for new variables, create a new optimizer.", nameof(variables));
            var g = gradients[i];
            if (g is null) continue;
            if (g.Shape != v.Shape)
                throw new ShapeMismatchException($"{ClassName}.ApplyGradients", $"the gradient for variable '{v.Path}' has shape {g.Shape}, the variable has shape {v.Shape}.");
            if (g.DType != DType.Float32)
                throw new ArgumentException($"{ClassName}.ApplyGradients: the gradient for variable '{v.Path}' is {g.DType.Name()}, expected float32.", nameof(gradients));
            if (count == _stepGradients.Length)
                throw new ArgumentException($"{ClassName}.ApplyGradients: variable '{v.Path}' is listed twice.", nameof(variables));
            _stepGradients[count] = g;
            _stepIndices[count] = index;
            count++;
        }
        if (count == 0)
            throw new ArgumentException($"{ClassName}.ApplyGradients: no gradients provided for any variable.", nameof(gradients));

        var grads = _stepGradients.AsSpan(0, count);
        var indices = _stepIndices.AsSpan(0, count);
        long calls = ReadCounter();
        try
        {
            if (LossScaleFactor is double scale) DivideAll(grads, scale);

            bool update = true;
            if (GradientAccumulationSteps is int steps)
            {
                update = (calls + 1) % steps == 0;
                for (int k = 0; k < grads.Length; k++)
                {
                    var accumulator = _accumulators![indices[k]].Value;
                    if (update)
                    {
                        var sum = Temporary(grads[k]);
                        accumulator.Backend.Binary(BinaryOp.Add, grads[k], accumulator, sum);
                        grads[k] = sum;
                    }
                    else
                    {
                        accumulator.Backend.Binary(BinaryOp.Add, grads[k], accumulator, accumulator);
                    }
                }
                if (update) DivideAll(grads, steps);
            }

            if (update)
            {
                ClipGradients(grads);
                float learningRate = _schedule is { } schedule ? schedule.Call(calls) : _learningRateVariable!.Value.ToScalar();
                long t = (GradientAccumulationSteps is int n ? calls / n : calls) + 1;
                var step = PrepareStep(learningRate, t);
                var withDecay = step with { WeightDecay = (float)(WeightDecay ?? 0) };
                var withoutDecay = step with { WeightDecay = 0f };
                for (int k = 0; k < grads.Length; k++)
                {
                    int index = indices[k];
                    UpdateStep(grads[k], _trainable[index], index, _decays[index] ? withDecay : withoutDecay);
                }
                if (_accumulators is not null)
                {
                    foreach (int index in indices) _accumulators[index].Value.Backend.Fill(_accumulators[index].Value, 0f);
                }
            }

            if (ConstraintLookup is { } lookup)
            {
                foreach (int index in indices)
                {
                    var variable = _trainable[index];
                    if (lookup(variable) is { } constraint)
                    {
                        using var constrained = constraint.Call(variable.Value);
                        variable.Assign(constrained);
                    }
                }
            }
        }
        finally
        {
            foreach (var t in _temporaries) t.Dispose();
            _temporaries.Clear();
            grads.Clear();
        }
        WriteCounter(calls + 1);
    }

    /// <summary>Keras <c>apply_gradients(grads_and_vars)</c>: the same as the two-list form.</summary>
    public void ApplyGradients(IEnumerable<(Tensor Gradient, Variable Variable)> gradientsAndVariables)
    {
        ArgumentNullException.ThrowIfNull(gradientsAndVariables);
        var pairs = gradientsAndVariables.ToArray();
        ApplyGradients(pairs.Select(p => p.Gradient).ToArray(), pairs.Select(p => p.Variable).ToArray());
    }

    // Keras's _clip_gradients: clipnorm per tensor, else global_clipnorm, else clipvalue (each only when > 0).
    private void ClipGradients(Span<Tensor> grads)
    {
        if (Clipnorm is double clipnorm && clipnorm > 0)
        {
            for (int k = 0; k < grads.Length; k++)
            {
                double norm = Math.Sqrt(SumOfSquares(grads[k]));
                // g·c/max(‖g‖, c): only a norm above c (or NaN, which poisons the gradient) changes g.
                if (norm > clipnorm || double.IsNaN(norm)) grads[k] = Scaled(grads[k], clipnorm / norm);
            }
        }
        else if (GlobalClipnorm is double globalClipnorm && globalClipnorm > 0)
        {
            double total = 0;
            foreach (var g in grads) total += SumOfSquares(g);
            double norm = Math.Sqrt(total);
            // Keras: scale = c·min(1/‖g‖, 1/c), made NaN when the norm is not finite.
            double scale = double.IsFinite(norm) ? globalClipnorm * Math.Min(1 / norm, 1 / globalClipnorm) : double.NaN;
            if (norm > globalClipnorm || !double.IsFinite(norm))
            {
                for (int k = 0; k < grads.Length; k++) grads[k] = Scaled(grads[k], scale);
            }
        }
        else if (Clipvalue is double clipvalue && clipvalue > 0)
        {
            for (int k = 0; k < grads.Length; k++)
            {
                var clipped = Temporary(grads[k]);
                clipped.Backend.Unary(UnaryOp.Clip, grads[k], clipped, (float)-clipvalue, (float)clipvalue);
                grads[k] = clipped;
            }
        }
    }

    private static double SumOfSquares(Tensor g)
    {
        var backend = g.Backend;
        using var flat = g.Reshape(-1);
        using var squares = Tensor.Empty(flat.Shape, DType.Float32, backend);
        using var sum = Tensor.Empty(new Shape(1), DType.Float32, backend);
        backend.Unary(UnaryOp.Square, flat, squares);
        backend.Reduce(ReduceOp.Sum, squares, [0], sum);
        return sum.ToScalar();
    }

    private Tensor Scaled(Tensor g, double scale)
    {
        var result = Temporary(g);
        g.Backend.Unary(UnaryOp.Affine, g, result, (float)scale, 0f);
        return result;
    }

    private void DivideAll(Span<Tensor> grads, double divisor)
    {
        if (grads.Length == 0) return;
        var backend = grads[0].Backend;
        var d = Tensor.Scalar((float)divisor, backend);
        _temporaries.Add(d);
        for (int k = 0; k < grads.Length; k++)
        {
            var result = Temporary(grads[k]);
            backend.Binary(BinaryOp.Divide, grads[k], d, result);
            grads[k] = result;
        }
    }

    // Scratch gradients of one step, disposed when it ends.
    private Tensor Temporary(Tensor like)
    {
        var t = Tensor.Empty(like.Shape, DType.Float32, like.Backend);
        _temporaries.Add(t);
        return t;
    }

    private bool UsesWeightDecay(Variable variable)
    {
        if (WeightDecay is null) return false;
        if (_excludedFromDecay is not null && _excludedFromDecay.Contains(variable)) return false;
        return _excludedFromDecayNames is null || !_excludedFromDecayNames.IsMatch(variable.Name);
    }

    // The counter lives in the iteration variable (so that loading optimizer state restores it).
    private long ReadCounter()
    {
        Span<long> one = stackalloc long[1];
        _iterations.Value.Backend.Download<long>(_iterations.Value, one);
        return one[0];
    }

    private void WriteCounter(long value)
    {
        ReadOnlySpan<long> one = [value];
        _iterations.Value.Backend.Upload(one, _iterations.Value);
    }

    // ---- config --------------------------------------------------------------------------------

    /// <summary>
    /// The constructor arguments under Keras 3 keys. The learning rate is written as the float32
    /// value it is stored as, widened (Keras writes <c>float(variable.numpy())</c>, e.g.
    /// 0.0010000000474974513), or as a serialized schedule.
    /// </summary>
    public virtual JObject GetConfig() => new()
    {
        ["name"] = Name,
        ["learning_rate"] = _schedule is { } schedule ? LearningRateSchedules.Serialize(schedule) : (double)LearningRate,
        ["weight_decay"] = WeightDecay,
        ["clipnorm"] = Clipnorm,
        ["global_clipnorm"] = GlobalClipnorm,
        ["clipvalue"] = Clipvalue,
        ["use_ema"] = UseEma,
        ["ema_momentum"] = EmaMomentum,
        ["ema_overwrite_frequency"] = EmaOverwriteFrequency,
        ["loss_scale_factor"] = LossScaleFactor,
        ["gradient_accumulation_steps"] = GradientAccumulationSteps,
    };

    public override string ToString() => $"<{ClassName} name={Name}>";

    /// <summary>Releases every optimizer variable.</summary>
    public void Dispose()
    {
        foreach (var v in _variables) v.Dispose();
        GC.SuppressFinalize(this);
    }

    // ---- naming --------------------------------------------------------------------------------

    private static string Show(double? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None";

    // Keras auto_name: snake_case of the class name, then _1, _2... per prefix.
    private static string NextName(string prefix)
    {
        lock (s_nameCounts)
        {
            s_nameCounts.TryGetValue(prefix, out int n);
            s_nameCounts[prefix] = n + 1;
            return n == 0 ? prefix : $"{prefix}_{n}";
        }
    }

    // Keras to_snake_case: "(.)([A-Z][a-z]+)" then "([a-z])([A-Z])" → "_", lower case (RMSprop → rm_sprop).
    internal static string ToSnakeCase(string name)
    {
        string s = Regex.Replace(name, "(.)([A-Z][a-z]+)", "$1_$2");
        return Regex.Replace(s, "([a-z])([A-Z])", "$1_$2").ToLowerInvariant();
    }
}
