using DeepNet.Keras.Engine;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Runs a cell over the time axis of (batch, time, features) inputs (Keras <c>keras.layers.RNN</c>):
/// the inputs of all timesteps are projected at once, then the cell steps through time. Returns the
/// last output (batch, units), or every output (batch, time, units) with return_sequences, followed
/// by the final states with return_state. Extra inputs after the sequence are initial states.
/// <para>Masking (Keras semantics): at a timestep whose mask is 0 the states are kept and the
/// previous output is repeated (zeros with zero_output_for_mask). go_backwards reads the sequence
/// from the end and returns the outputs in that order. stateful keeps the final states as the next
/// call's initial states until <see cref="ResetStates"/>. unroll is accepted and has no effect.</para>
/// Keras defaults: return_sequences=False, return_state=False, go_backwards=False, stateful=False,
/// unroll=False, zero_output_for_mask=False.
/// </summary>
public class RNN : Layer
{
    private Variable[]? _states;

    public RNN(RnnCell cell, bool returnSequences = false, bool returnState = false, bool goBackwards = false,
        bool stateful = false, bool unroll = false, bool zeroOutputForMask = false, Regularizer? activityRegularizer = null,
        string? name = null, bool trainable = true)
        : base(name, trainable)
    {
        ArgumentNullException.ThrowIfNull(cell);
        Cell = Track(cell);
        ReturnSequences = returnSequences;
        ReturnState = returnState;
        GoBackwards = goBackwards;
        Stateful = stateful;
        Unroll = unroll;
        ZeroOutputForMask = zeroOutputForMask;
        ActivityRegularizer = activityRegularizer;
        InputSpec = new InputSpec(ndim: 3);
    }

    public override string ClassName => "RNN";

    public RnnCell Cell { get; }

    /// <summary>Keras keeps the cell in <c>cell</c>.</summary>
    protected internal override string? SublayerAttributeName(Layer sublayer) => ReferenceEquals(sublayer, Cell) ? "cell" : null;

    public int Units => Cell.Units;

    public bool ReturnSequences { get; }

    public bool ReturnState { get; }

    public bool GoBackwards { get; }

    public bool Stateful { get; }

    public bool Unroll { get; }

    public bool ZeroOutputForMask { get; }

    public Regularizer? ActivityRegularizer { get; }

    /// <summary>Whether the config came from Keras 2 (written back as time_major).</summary>
    protected bool Keras2 => Cell.Keras2HardSigmoid;

    public override bool SupportsMasking => true;

    public override void Build(KerasShape inputShape)
    {
        if (inputShape.Rank != 3)
            throw new ShapeMismatchException(ClassName, $"expects inputs of shape (batch, time, features), got {inputShape}.");
        Cell.EnsureBuilt(new KerasShape(inputShape[0], inputShape[2]));
    }

    public override void Build(IReadOnlyList<KerasShape> inputShapes) => Build(inputShapes[0]);

    public override KerasShape ComputeOutputShape(KerasShape inputShape) => ComputeOutputShape([inputShape])[0];

    public override KerasShape[] ComputeOutputShape(IReadOnlyList<KerasShape> inputShapes)
    {
        var s = inputShapes[0];
        var output = ReturnSequences ? new KerasShape(s[0], s[1], Units) : new KerasShape(s[0], Units);
        if (!ReturnState) return [output];
        return [output, .. Cell.StateSize.Select(n => new KerasShape(s[0], n))];
    }

    protected override void CheckInputs(IReadOnlyList<KerasShape> shapes)
    {
        // Only the sequence is checked against the spec; further inputs are initial states.
        if (shapes.Count > 0) base.CheckInputs([shapes[0]]);
    }

    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => ReturnSequences ? mask : null;

    /// <summary>The sequence's mask with return_sequences, also when initial states follow the sequence.</summary>
    public override Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks) =>
        ReturnSequences && masks.Count > 0 ? masks[0] : null;

    // ---- applying in a graph ---------------------------------------------------------------------

    /// <summary>
    /// Applies the layer to a symbolic sequence with symbolic initial states (Keras
    /// <c>rnn(x, initial_state=[h, c], mask=m)</c>); the node's inputs are the sequence, the
    /// states, then the mask when given.
    /// </summary>
    public KerasTensor[] ApplyWithInitialState(KerasTensor sequences, IReadOnlyList<KerasTensor> initialState, KerasTensor? mask = null,
        bool? training = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(initialState);
        var sizes = Cell.StateSize;
        if (initialState.Count != sizes.Length)
            throw new ArgumentException($"Layer '{Name}' ({ClassName}) expects {sizes.Length} initial state(s), received {initialState.Count}.", nameof(initialState));
        for (int i = 0; i < sizes.Length; i++)
        {
            var shape = initialState[i].Shape;
            if (shape.Rank != 2 || shape[1] is int n && n != sizes[i])
                throw new ShapeMismatchException(Name, $"initial state {i} must have shape (batch, {sizes[i]}), got {shape}.");
        }
        KerasTensor[] inputs = [sequences, .. initialState];
        return mask is null ? ApplyMany(inputs, training) : ApplyMasked(inputs, mask, training);
    }

    /// <summary>Writes a node as Keras 3 does: the sequence, then <c>initial_state</c> and <c>mask</c> keyword arguments.</summary>
    internal override void WriteNode(Node node, NodeArguments into)
    {
        bool masked = node.Options is ExplicitMaskOptions;
        if (node.Options is not null && !masked)
            throw new NotSupportedException($"Layer '{Name}' ({ClassName}) cannot write its call options ({node.Options.GetType().Name}) to a config.");
        int states = node.Inputs.Count - 1 - (masked ? 1 : 0);
        into.Args.Add(into.Reference(node.Inputs[0]));
        // new JArray(JArray) would copy, not nest.
        if (states > 0) into.Kwargs["initial_state"] = new JArray(node.Inputs.Skip(1).Take(states).Select(into.Reference).ToArray<object>());
        if (masked) into.Kwargs["mask"] = into.Reference(node.Inputs[^1]);
        if (node.Training is bool training) into.Kwargs["training"] = training;
    }

    /// <summary>
    /// Rebuilds a call from a config: the sequence (Keras 3), or the list [sequence, states…]
    /// Keras 2 makes of a call with initial_state; <c>initial_state</c> (a tensor or a list),
    /// <c>mask</c> and <c>training</c> keyword arguments.
    /// </summary>
    internal override KerasTensor[] ApplyNode(NodeArguments call)
    {
        call.CheckHandled(this, 1, "sequences", "inputs", "initial_state", "mask", "training");
        var first = call.Tensors(this, call.Args.Count > 0 ? call.Args[0] : call.Kwargs["sequences"] ?? call.Kwargs["inputs"], "sequences");
        if (first.Count == 0) throw call.Error(this, "the call has no input sequence");
        var states = first.Skip(1).Concat(call.Tensors(this, call.Kwargs["initial_state"], "initial_state")).ToArray();
        var mask = call.Tensor(this, call.Kwargs["mask"], "mask");
        var training = call.OptionalFlag(this, "training");
        if (states.Length == 0) return mask is null ? ApplyMany([first[0]], training) : ApplyMasked([first[0]], mask, training);
        return ApplyWithInitialState(first[0], states, mask, training);
    }

    public override Tensor Call(Tensor inputs, bool training = false, Tensor? mask = null)
    {
        var outputs = Run(inputs, null, mask, training);
        if (outputs.Length != 1)
            throw new InvalidOperationException($"Layer '{Name}' has {outputs.Length} outputs (return_state); use the list form.");
        return outputs[0];
    }

    public override Tensor[] Call(IReadOnlyList<Tensor> inputs, bool training = false) =>
        CallMasked(inputs, new Tensor?[inputs.Count], training);

    public override Tensor[] CallMasked(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException($"Layer '{Name}' needs an input sequence.");
        var initial = inputs.Count > 1 ? inputs.Skip(1).ToArray() : null;
        return Run(inputs[0], initial, masks.Count > 0 ? masks[0] : null, training);
    }

    /// <summary>Sets the kept states of a stateful layer back to zeros (Keras <c>reset_states()</c>).</summary>
    public void ResetStates()
    {
        if (_states is null) return;
        foreach (var s in _states) s.Assign(new float[s.Shape.Size]);
    }

    /// <summary>The kept states of a stateful layer (null before its first call).</summary>
    public IReadOnlyList<Variable>? States => _states;

    private Tensor[] Run(Tensor inputs, IReadOnlyList<Tensor>? initialStates, Tensor? mask, bool training)
    {
        if (inputs.Rank != 3)
            throw new ShapeMismatchException(ClassName, $"expects inputs of shape (batch, time, features), got {inputs.Shape}.");
        int batch = inputs.Shape[0], steps = inputs.Shape[1];
        if (mask is not null && (mask.Rank != 2 || mask.Shape[0] != batch || mask.Shape[1] != steps))
            throw new ShapeMismatchException(ClassName, $"mask {mask.Shape} must have the (batch, time) shape of inputs {inputs.Shape}.");
        var states = InitialStates(batch, initialStates, inputs.Backend);
        if (steps > 0 && RunFused(inputs, states, mask, training) is var (fusedResult, fusedStates))
            return Finish(fusedResult, fusedStates, batch);

        Cell.ResetDropoutMasks();
        try
        {
            var projected = Cell.ProjectInputs(inputs, training);
            int width = projected.Shape[2];
            var outputs = ReturnSequences ? new Tensor[steps] : null;
            Tensor? output = null;
            for (int k = 0; k < steps; k++)
            {
                int t = GoBackwards ? steps - 1 - k : k;
                var x = Ops.Reshape(Ops.Slice(projected, [0, t, 0], [batch, 1, width]), batch, width);
                var (stepOutput, next) = Cell.Step(x, states, training);
                if (mask is not null)
                {
                    // Masked rows keep the previous states and output: old + m·(new − old).
                    var m = Ops.Reshape(Ops.Slice(mask, [0, t], [batch, 1]), batch, 1);
                    for (int i = 0; i < next.Length; i++) next[i] = Ops.Add(states[i], Ops.Multiply(m, Ops.Subtract(next[i], states[i])));
                    if (ZeroOutputForMask) stepOutput = Ops.Multiply(m, stepOutput);
                    else
                    {
                        var previous = output ?? Tensor.Zeros(new Shape(batch, Units), DeepNet.DType.Float32, inputs.Backend);
                        stepOutput = Ops.Add(previous, Ops.Multiply(m, Ops.Subtract(stepOutput, previous)));
                    }
                }
                states = next;
                output = stepOutput;
                if (outputs is not null) outputs[k] = stepOutput;
            }
            output ??= Tensor.Zeros(new Shape(batch, Units), DeepNet.DType.Float32, inputs.Backend);
            var result = outputs is null ? output
                : steps == 0 ? Tensor.Zeros(new Shape(batch, 0, Units), DeepNet.DType.Float32, inputs.Backend)
                : Ops.Stack(outputs, 1);
            return Finish(result, states, batch);
        }
        finally
        {
            Cell.ResetDropoutMasks();
        }
    }

    /// <summary>
    /// The whole sequence in one fused op, where the layer has one for this cell, backend and call
    /// (LSTM, GRU); null to step the cell through time. Returns the result as <see cref="Call(Tensor, bool, Tensor?)"/>
    /// does (sequence or last output) and the final states.
    /// </summary>
    protected virtual (Tensor Result, Tensor[] States)? RunFused(Tensor inputs, Tensor[] initialStates, Tensor? mask, bool training) => null;

    private Tensor[] Finish(Tensor result, Tensor[] states, int batch)
    {
        if (Stateful) KeepStates(states);
        if (ActivityRegularizer is not null) AddLoss(Ops.Divide(ActivityRegularizer.Call(result), batch));
        return ReturnState ? [result, .. states] : [result];
    }

    private Tensor[] InitialStates(int batch, IReadOnlyList<Tensor>? given, DeepNet.Backends.IBackend backend)
    {
        var sizes = Cell.StateSize;
        if (given is not null)
        {
            if (given.Count != sizes.Length)
                throw new ArgumentException($"Layer '{Name}' ({ClassName}) expects {sizes.Length} initial state(s), received {given.Count}.");
            for (int i = 0; i < sizes.Length; i++)
            {
                if (given[i].Rank != 2 || given[i].Shape[0] != batch || given[i].Shape[1] != sizes[i])
                    throw new ShapeMismatchException(ClassName, $"initial state {i} must have shape ({batch}, {sizes[i]}), got {given[i].Shape}.");
            }
            return given.ToArray();
        }
        var states = new Tensor[sizes.Length];
        if (Stateful && _states is not null && _states[0].Shape[0] == batch)
        {
            // A copy, so that the backward pass still sees this call's values after the update.
            using (NoTape.Begin())
            {
                for (int i = 0; i < states.Length; i++) states[i] = Ops.Copy(_states[i].Value);
            }
            return states;
        }
        for (int i = 0; i < states.Length; i++) states[i] = Tensor.Zeros(new Shape(batch, sizes[i]), DeepNet.DType.Float32, backend);
        return states;
    }

    private void KeepStates(Tensor[] states)
    {
        if (_states is null || _states[0].Shape[0] != states[0].Shape[0])
        {
            _states = new Variable[states.Length];
            for (int i = 0; i < states.Length; i++)
            {
                Tensor value;
                using (var scope = Memory.TensorScope.Begin()) value = scope.Keep(Tensor.Zeros(states[i].Shape, DeepNet.DType.Float32, states[i].Backend));
                _states[i] = new Variable(value, $"state_{i}", trainable: false) { Path = $"{Name}/state_{i}" };
            }
        }
        for (int i = 0; i < states.Length; i++) _states[i].Assign(states[i]);
    }

    /// <summary>The RNN keys (return_sequences … zero_output_for_mask) in Keras's order.</summary>
    protected void AddRnnKeys(JObject config)
    {
        config["return_sequences"] = ReturnSequences;
        config["return_state"] = ReturnState;
        config["go_backwards"] = GoBackwards;
        config["stateful"] = Stateful;
        config["unroll"] = Unroll;
        if (Keras2) config["time_major"] = false;
        else config["zero_output_for_mask"] = ZeroOutputForMask;
    }

    /// <summary>
    /// The config of SimpleRNN/LSTM/GRU: the base keys, the RNN keys, then the cell's own keys
    /// (Keras 3 drops the <c>cell</c> key for these layers) and activity_regularizer.
    /// </summary>
    protected JObject FlatConfig(bool withSeed)
    {
        var config = base.GetConfig();
        AddRnnKeys(config);
        foreach (var (key, value) in Cell.GetConfig())
        {
            if (key is "name" or "trainable" or "dtype") continue;
            if (key == "seed" && !withSeed) continue;
            if (key == "implementation" && !Keras2) continue;
            config[key] = value;
        }
        config["activity_regularizer"] = KerasObjects.Serialize(ActivityRegularizer);
        return config;
    }

    public override JObject GetConfig()
    {
        var config = base.GetConfig();
        AddRnnKeys(config);
        config["cell"] = LayerRegistry.SerializeKeras3(Cell);
        if (ActivityRegularizer is not null) config["activity_regularizer"] = KerasObjects.Serialize(ActivityRegularizer);
        return config;
    }

    public static RNN FromConfig(JObject config)
    {
        LayerConfig.CheckDType(config);
        var cellEnvelope = config["cell"] as JObject ?? throw new ArgumentException("RNN config needs a cell.");
        if (config.ContainsKey("time_major") && cellEnvelope["config"] is JObject cellConfig && !RnnCellArgs.IsKeras2(cellConfig))
        {
            cellEnvelope = (JObject)cellEnvelope.DeepClone();
            ((JObject)cellEnvelope["config"]!)["implementation"] = 2;
        }
        var cell = LayerRegistry.Deserialize(cellEnvelope) as RnnCell
            ?? throw new NotSupportedException($"RNN cell '{cellEnvelope.Value<string>("class_name")}' is not a recurrent cell this library knows.");
        return new RNN(cell, RnnKeys(config), KerasObjects.Regularizer(config["activity_regularizer"]), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }

    /// <summary>The RNN keys of a config.</summary>
    protected internal readonly record struct RnnOptions(bool ReturnSequences, bool ReturnState, bool GoBackwards, bool Stateful, bool Unroll, bool ZeroOutputForMask);

    protected internal static RnnOptions RnnKeys(JObject config) => new(
        LayerConfig.Get(config, "return_sequences", false),
        LayerConfig.Get(config, "return_state", false),
        LayerConfig.Get(config, "go_backwards", false),
        LayerConfig.Get(config, "stateful", false),
        LayerConfig.Get(config, "unroll", false),
        LayerConfig.Get(config, "zero_output_for_mask", false));

    protected RNN(RnnCell cell, RnnOptions options, Regularizer? activityRegularizer, string? name, bool trainable)
        : this(cell, options.ReturnSequences, options.ReturnState, options.GoBackwards, options.Stateful, options.Unroll,
            options.ZeroOutputForMask, activityRegularizer, name, trainable)
    { }
}
