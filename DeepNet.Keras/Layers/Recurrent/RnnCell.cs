using DeepNet.Backends;
using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// One step of a recurrence (Keras <c>SimpleRNNCell</c>/<c>LSTMCell</c>/<c>GRUCell</c>, and
/// <c>DropoutRNNCell</c>'s masks). A step is split in two so the <see cref="RNN"/> layer can
/// project the inputs of every timestep in one product before looping:
/// <see cref="ProjectInputs"/> (the input side, x·kernel + bias, on (…, features)) and
/// <see cref="Step"/> (the recurrent side, from one projected timestep and the previous states).
/// <para>Dropout follows Keras: one input mask and one recurrent mask per sequence, the same at
/// every timestep; <see cref="RNN"/> calls <see cref="ResetDropoutMasks"/> before each sequence.</para>
/// </summary>
public abstract class RnnCell : Layer
{
    private readonly SeedGenerator _seeds;
    private Tensor? _dropoutMask;
    private Tensor? _recurrentDropoutMask;

    /// <summary>Takes the arguments every cell shares (see <see cref="RnnCellArgs"/>).</summary>
    protected RnnCell(RnnCellArgs args)
        : base(args.Name, args.Trainable)
    {
        if (args.Units <= 0)
            throw new ArgumentOutOfRangeException(nameof(args), $"Received an invalid value for argument `units`, expected a positive integer, got {args.Units}.");
        if (!(args.Dropout >= 0f && args.Dropout <= 1f))
            throw new ArgumentOutOfRangeException(nameof(args), $"Invalid value received for argument `dropout`. Expected a float value between 0 and 1. Received: dropout={args.Dropout}");
        if (!(args.RecurrentDropout >= 0f && args.RecurrentDropout <= 1f))
            throw new ArgumentOutOfRangeException(nameof(args), $"Invalid value received for argument `recurrent_dropout`. Expected a float value between 0 and 1. Received: recurrent_dropout={args.RecurrentDropout}");
        Units = args.Units;
        Keras2HardSigmoid = args.Keras2HardSigmoid;
        Activation = RnnCellArgs.ResolveActivation(args.Activation, args.Keras2HardSigmoid);
        UseBias = args.UseBias;
        KernelInitializer = args.KernelInitializer ?? KerasObjects.Initializer("glorot_uniform");
        RecurrentInitializer = args.RecurrentInitializer ?? KerasObjects.Initializer("orthogonal");
        BiasInitializer = args.BiasInitializer ?? KerasObjects.Initializer("zeros");
        KernelRegularizer = args.KernelRegularizer;
        RecurrentRegularizer = args.RecurrentRegularizer;
        BiasRegularizer = args.BiasRegularizer;
        KernelConstraint = args.KernelConstraint;
        RecurrentConstraint = args.RecurrentConstraint;
        BiasConstraint = args.BiasConstraint;
        Dropout = args.Dropout;
        RecurrentDropout = args.RecurrentDropout;
        _seeds = new SeedGenerator(args.Seed);
        InputSpec = new InputSpec(minNdim: 2);
    }

    public int Units { get; }

    /// <summary>The output activation (tanh by default).</summary>
    public ActivationFunction Activation { get; }

    /// <summary>
    /// Whether "hard_sigmoid" means Keras 2's clip(0.2x + 0.5, 0, 1) rather than Keras 3's
    /// relu6(x + 3)/6: set for configs written by Keras 2 (they carry <c>implementation</c> or
    /// <c>time_major</c>), and written back as <c>implementation</c> so the config round-trips.
    /// </summary>
    public bool Keras2HardSigmoid { get; }

    public bool UseBias { get; }

    public Initializer KernelInitializer { get; }

    public Initializer RecurrentInitializer { get; }

    public Initializer BiasInitializer { get; }

    public Regularizer? KernelRegularizer { get; }

    public Regularizer? RecurrentRegularizer { get; }

    public Regularizer? BiasRegularizer { get; }

    public Constraint? KernelConstraint { get; }

    public Constraint? RecurrentConstraint { get; }

    public Constraint? BiasConstraint { get; }

    /// <summary>The (features, gates·units) input kernel; null before build.</summary>
    public Variable? Kernel { get; protected set; }

    /// <summary>The (units, gates·units) recurrent kernel; null before build.</summary>
    public Variable? RecurrentKernel { get; protected set; }

    /// <summary>The bias; null before build or without bias.</summary>
    public Variable? Bias { get; protected set; }

    /// <summary>Fraction of the input units dropped in training.</summary>
    public float Dropout { get; }

    /// <summary>Fraction of the recurrent state's units dropped in training.</summary>
    public float RecurrentDropout { get; }

    public int? Seed => _seeds.Seed;

    /// <summary>The width of each state (LSTM: h and c; the others: h).</summary>
    public abstract int[] StateSize { get; }

    /// <summary>The width of the output.</summary>
    public int OutputSize => Units;

    /// <summary>The width of <see cref="ProjectInputs"/>'s result.</summary>
    public abstract int ProjectedSize { get; }

    /// <summary>The input side of the step for inputs of shape (…, features): dropout, then x·kernel + bias.</summary>
    public abstract Tensor ProjectInputs(Tensor inputs, bool training);

    /// <summary>One timestep from its projected input (batch, <see cref="ProjectedSize"/>) and the previous states.</summary>
    public abstract (Tensor Output, Tensor[] States) Step(Tensor projected, IReadOnlyList<Tensor> states, bool training);

    /// <summary>One timestep from raw inputs (batch, features), as Keras's <c>cell(inputs, states)</c>.</summary>
    public (Tensor Output, Tensor[] States) Call(Tensor inputs, IReadOnlyList<Tensor> states, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.Count != StateSize.Length)
            throw new ArgumentException($"Cell '{Name}' ({ClassName}) expects {StateSize.Length} state(s), received {states.Count}.", nameof(states));
        for (int i = 0; i < states.Count; i++)
        {
            if (states[i].Rank != 2 || states[i].Shape[0] != inputs.Shape[0] || states[i].Shape[1] != StateSize[i])
                throw new ShapeMismatchException($"{ClassName}",
                    $"state {i} must have shape ({inputs.Shape[0]}, {StateSize[i]}), got {states[i].Shape} for inputs {inputs.Shape}.");
        }
        return Step(ProjectInputs(inputs, training), states, training);
    }

    /// <summary>List form: [inputs, state…] → [output, new state…].</summary>
    public override Tensor[] Call(IReadOnlyList<Tensor> inputs, bool training = false)
    {
        if (inputs.Count != 1 + StateSize.Length)
            throw new ArgumentException($"Cell '{Name}' ({ClassName}) takes the inputs and {StateSize.Length} state(s), received {inputs.Count} tensors.");
        var (output, states) = Call(inputs[0], inputs.Skip(1).ToArray(), training);
        return [output, .. states];
    }

    public override void Build(IReadOnlyList<KerasShape> inputShapes) => Build(inputShapes[0]);

    public override KerasShape[] ComputeOutputShape(IReadOnlyList<KerasShape> inputShapes)
    {
        int? batch = inputShapes[0][0];
        return [new KerasShape(batch, Units), .. StateSize.Select(s => new KerasShape(batch, s))];
    }

    /// <summary>Forgets the dropout masks, so the next sequence draws new ones.</summary>
    public void ResetDropoutMasks()
    {
        _dropoutMask = null;
        _recurrentDropoutMask = null;
    }

    /// <summary>Inputs (batch, features) or (batch, time, features) times the sequence's input mask.</summary>
    protected Tensor ApplyInputDropout(Tensor inputs, bool training)
    {
        if (!training || !(Dropout > 0f && Dropout < 1f)) return inputs;
        int batch = inputs.Shape[0], features = inputs.Shape[^1];
        _dropoutMask ??= DrawMask(new Shape(batch, features), Dropout, inputs.Backend);
        var mask = inputs.Rank == 3 ? Ops.Reshape(_dropoutMask, batch, 1, features) : _dropoutMask;
        return Ops.Multiply(inputs, mask);
    }

    /// <summary>The previous output (batch, units) times the sequence's recurrent mask.</summary>
    protected Tensor ApplyRecurrentDropout(Tensor state, bool training)
    {
        if (!training || !(RecurrentDropout > 0f && RecurrentDropout < 1f)) return state;
        _recurrentDropoutMask ??= DrawMask(state.Shape, RecurrentDropout, state.Backend);
        return Ops.Multiply(state, _recurrentDropoutMask);
    }

    private Tensor DrawMask(Shape shape, float rate, IBackend backend)
    {
        var (seed, offset) = _seeds.Next();
        using (NoTape.Begin()) return Ops.DropoutMask(shape, rate, seed, offset, backend);
    }

    /// <summary>The last-axis block [index·width, (index+1)·width) of a rank-2 tensor.</summary>
    protected static Tensor Block(Tensor x, int index, int width) =>
        Ops.Slice(x, [0, index * width], [x.Shape[0], width]);

    /// <summary>The (features, width) kernel and (units, width) recurrent kernel, with the cell's initializers.</summary>
    protected void BuildKernels(KerasShape inputShape, int width)
    {
        int features = inputShape.Last ?? throw new ArgumentException($"Cell '{Name}': the last dimension of the input must be known, received input shape {inputShape}.");
        Kernel = AddWeight("kernel", new Shape(features, width), KernelInitializer, KernelRegularizer, KernelConstraint);
        RecurrentKernel = AddWeight("recurrent_kernel", new Shape(Units, width), RecurrentInitializer, RecurrentRegularizer, RecurrentConstraint);
        InputSpec = new InputSpec(minNdim: 2, axes: new Dictionary<int, int> { [-1] = features });
    }

    /// <summary>
    /// The keys every cell writes, in Keras's order around the cell's own ones: <paramref name="afterActivation"/>
    /// (recurrent_activation) follows activation, <paramref name="afterInitializers"/> (unit_forget_bias) the initializers.
    /// </summary>
    protected JObject CommonConfig(JObject? afterActivation = null, JObject? afterInitializers = null)
    {
        var config = base.GetConfig();
        config["units"] = Units;
        config["activation"] = Activations.Serialize(Activation);
        if (afterActivation is not null) config.Merge(afterActivation);
        config["use_bias"] = UseBias;
        config["kernel_initializer"] = KerasObjects.Serialize(KernelInitializer);
        config["recurrent_initializer"] = KerasObjects.Serialize(RecurrentInitializer);
        config["bias_initializer"] = KerasObjects.Serialize(BiasInitializer);
        if (afterInitializers is not null) config.Merge(afterInitializers);
        config["kernel_regularizer"] = KerasObjects.Serialize(KernelRegularizer);
        config["recurrent_regularizer"] = KerasObjects.Serialize(RecurrentRegularizer);
        config["bias_regularizer"] = KerasObjects.Serialize(BiasRegularizer);
        config["kernel_constraint"] = KerasObjects.Serialize(KernelConstraint);
        config["recurrent_constraint"] = KerasObjects.Serialize(RecurrentConstraint);
        config["bias_constraint"] = KerasObjects.Serialize(BiasConstraint);
        config["dropout"] = Dropout;
        config["recurrent_dropout"] = RecurrentDropout;
        config["seed"] = Seed;
        return config;
    }
}
