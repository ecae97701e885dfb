using DeepNet.Keras.Initializers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// The long short-term memory step (Keras <c>keras.layers.LSTMCell</c>), gate blocks in Keras's
/// order i, f, c, o along the last axis: z = x·kernel + h·recurrent_kernel + bias;
/// i = σ(z_i), f = σ(z_f), c' = f⊙c + i⊙act(z_c), o = σ(z_o), h' = o⊙act(c'), where σ is
/// recurrent_activation. Weights: kernel (features, 4u), recurrent_kernel (u, 4u), bias (4u,).
/// States: [h, c]. Keras defaults: activation="tanh", recurrent_activation="sigmoid",
/// use_bias=True, unit_forget_bias=True (the forget block of the bias starts at 1).
/// </summary>
public sealed class LSTMCell : RnnCell
{
    public LSTMCell(RnnCellArgs args, string? recurrentActivation = "sigmoid", bool unitForgetBias = true) : base(args)
    {
        RecurrentActivation = RnnCellArgs.ResolveActivation(recurrentActivation, args.Keras2HardSigmoid);
        UnitForgetBias = unitForgetBias;
    }

    /// <param name="units">Width of the state and output.</param>
    public LSTMCell(int units, string? activation = "tanh", string? recurrentActivation = "sigmoid", bool useBias = true,
        bool unitForgetBias = true, float dropout = 0f, float recurrentDropout = 0f, int? seed = null, string? name = null)
        : this(new RnnCellArgs
        {
            Units = units, Activation = activation, UseBias = useBias, Dropout = dropout,
            RecurrentDropout = recurrentDropout, Seed = seed, Name = name,
        }, recurrentActivation, unitForgetBias)
    { }

    public override string ClassName => "LSTMCell";

    /// <summary>The gates' activation (sigmoid by default).</summary>
    public ActivationFunction RecurrentActivation { get; }

    public bool UnitForgetBias { get; }

    public override int[] StateSize => [Units, Units];

    public override int ProjectedSize => 4 * Units;

    public override void Build(KerasShape inputShape)
    {
        BuildKernels(inputShape, 4 * Units);
        if (UseBias)
        {
            var init = UnitForgetBias ? new BlockBiasInitializer(BiasInitializer, Units, onesBlock: 1) : BiasInitializer;
            Bias = AddWeight("bias", new Shape(4 * Units), init, BiasRegularizer, BiasConstraint);
        }
    }

    public override Tensor ProjectInputs(Tensor inputs, bool training) =>
        Ops.Dense(ApplyInputDropout(inputs, training), Kernel!.Value, Bias?.Value);

    public override (Tensor Output, Tensor[] States) Step(Tensor projected, IReadOnlyList<Tensor> states, bool training)
    {
        var h = ApplyRecurrentDropout(states[0], training);
        var c = states[1];
        var z = Ops.Add(projected, Ops.MatMul(h, RecurrentKernel!.Value));
        var i = RecurrentActivation.Call(Block(z, 0, Units));
        var f = RecurrentActivation.Call(Block(z, 1, Units));
        var candidate = Activation.Call(Block(z, 2, Units));
        var o = RecurrentActivation.Call(Block(z, 3, Units));
        var cNext = Ops.Add(Ops.Multiply(f, c), Ops.Multiply(i, candidate));
        var hNext = Ops.Multiply(o, Activation.Call(cNext));
        return (hNext, [hNext, cNext]);
    }

    public override JObject GetConfig()
    {
        var config = CommonConfig(
            new JObject { ["recurrent_activation"] = Activations.Serialize(RecurrentActivation) },
            new JObject { ["unit_forget_bias"] = UnitForgetBias });
        if (Keras2HardSigmoid) config["implementation"] = 2;
        return config;
    }

    public static LSTMCell FromConfig(JObject config) =>
        new(RnnCellArgs.FromConfig(config), RecurrentActivationName(config, "sigmoid"), LayerConfig.Get(config, "unit_forget_bias", true))
        { InputShape = LayerConfig.InputShape(config) };

    internal static string RecurrentActivationName(JObject config, string fallback) =>
        config.ContainsKey("recurrent_activation") ? Activations.Get(config["recurrent_activation"]).Name : fallback;
}

/// <summary>
/// Keras's unit_forget_bias initializer: the bias initializer's values with block
/// <c>onesBlock</c> (of width units) set to ones.
/// </summary>
internal sealed class BlockBiasInitializer : Initializer
{
    private readonly Initializer _inner;
    private readonly int _units;
    private readonly int _onesBlock;

    public BlockBiasInitializer(Initializer inner, int units, int onesBlock)
    {
        _inner = inner;
        _units = units;
        _onesBlock = onesBlock;
    }

    public override string ClassName => _inner.ClassName;

    public override JObject GetConfig() => _inner.GetConfig();

    public override Tensor Call(Shape shape, DType dtype = DType.Float32)
    {
        // Keras draws init(u), ones(u), init(2u) and concatenates.
        using var before = _inner.Call(new Shape(_units * _onesBlock), dtype);
        using var ones = Tensor.Ones(new Shape(_units));
        using var after = _inner.Call(new Shape((int)shape.Size - _units * (_onesBlock + 1)), dtype);
        return Ops.Concat([before, ones, after], 0);
    }
}
