using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// The gated recurrent unit step (Keras <c>keras.layers.GRUCell</c>), gate blocks in Keras's order
/// z (update), r (reset), h (candidate): z = σ(x·K_z + b^x_z + h·R_z + b^h_z), r likewise;
/// reset_after=True: ĥ = act(x·K_h + b^x_h + r⊙(h·R_h + b^h_h)); reset_after=False:
/// ĥ = act(x·K_h + b_h + (r⊙h)·R_h); h' = z⊙h + (1 − z)⊙ĥ.
/// Weights: kernel (features, 3u), recurrent_kernel (u, 3u), bias (2, 3u) with reset_after (row 0
/// input bias, row 1 recurrent bias) else (3u,). Keras defaults: activation="tanh",
/// recurrent_activation="sigmoid", use_bias=True, reset_after=True.
/// </summary>
public sealed class GRUCell : RnnCell
{
    public GRUCell(RnnCellArgs args, string? recurrentActivation = "sigmoid", bool resetAfter = true) : base(args)
    {
        RecurrentActivation = RnnCellArgs.ResolveActivation(recurrentActivation, args.Keras2HardSigmoid);
        ResetAfter = resetAfter;
    }

    /// <param name="units">Width of the state and output.</param>
    public GRUCell(int units, string? activation = "tanh", string? recurrentActivation = "sigmoid", bool useBias = true,
        bool resetAfter = true, float dropout = 0f, float recurrentDropout = 0f, int? seed = null, string? name = null)
        : this(new RnnCellArgs
        {
            Units = units, Activation = activation, UseBias = useBias, Dropout = dropout,
            RecurrentDropout = recurrentDropout, Seed = seed, Name = name,
        }, recurrentActivation, resetAfter)
    { }

    public override string ClassName => "GRUCell";

    /// <summary>The gates' activation (sigmoid by default).</summary>
    public ActivationFunction RecurrentActivation { get; }

    /// <summary>Whether the reset gate applies after the recurrent product (cuDNN's form).</summary>
    public bool ResetAfter { get; }

    public override int[] StateSize => [Units];

    public override int ProjectedSize => 3 * Units;

    public override void Build(KerasShape inputShape)
    {
        BuildKernels(inputShape, 3 * Units);
        if (UseBias)
            Bias = AddWeight("bias", ResetAfter ? new Shape(2, 3 * Units) : new Shape(3 * Units), BiasInitializer, BiasRegularizer, BiasConstraint);
    }

    /// <summary>Row <paramref name="row"/> of the (2, 3u) bias.</summary>
    private Tensor BiasRow(int row) => Ops.Reshape(Ops.Slice(Bias!.Value, [row, 0], [1, 3 * Units]), 3 * Units);

    public override Tensor ProjectInputs(Tensor inputs, bool training)
    {
        var bias = Bias is null ? null : ResetAfter ? BiasRow(0) : Bias.Value;
        return Ops.Dense(ApplyInputDropout(inputs, training), Kernel!.Value, bias);
    }

    public override (Tensor Output, Tensor[] States) Step(Tensor projected, IReadOnlyList<Tensor> states, bool training)
    {
        var previous = states[0];
        var h = ApplyRecurrentDropout(previous, training);
        int u = Units;
        var recurrent = RecurrentKernel!.Value;
        Tensor z, r, candidate;
        if (ResetAfter)
        {
            var inner = Ops.MatMul(h, recurrent);
            if (Bias is not null) inner = Ops.Add(inner, BiasRow(1));
            z = RecurrentActivation.Call(Ops.Add(Block(projected, 0, u), Block(inner, 0, u)));
            r = RecurrentActivation.Call(Ops.Add(Block(projected, 1, u), Block(inner, 1, u)));
            candidate = Activation.Call(Ops.Add(Block(projected, 2, u), Ops.Multiply(r, Block(inner, 2, u))));
        }
        else
        {
            var gatesKernel = Ops.Slice(recurrent, [0, 0], [u, 2 * u]);
            var candidateKernel = Ops.Slice(recurrent, [0, 2 * u], [u, u]);
            var inner = Ops.MatMul(h, gatesKernel);
            z = RecurrentActivation.Call(Ops.Add(Block(projected, 0, u), Block(inner, 0, u)));
            r = RecurrentActivation.Call(Ops.Add(Block(projected, 1, u), Block(inner, 1, u)));
            candidate = Activation.Call(Ops.Add(Block(projected, 2, u), Ops.MatMul(Ops.Multiply(r, h), candidateKernel)));
        }
        // h' = z⊙h + (1 − z)⊙ĥ = ĥ + z⊙(h − ĥ), with the state before recurrent dropout.
        var next = Ops.Add(candidate, Ops.Multiply(z, Ops.Subtract(previous, candidate)));
        return (next, [next]);
    }

    public override JObject GetConfig()
    {
        var config = CommonConfig(new JObject { ["recurrent_activation"] = Activations.Serialize(RecurrentActivation) });
        config["reset_after"] = ResetAfter;
        if (Keras2HardSigmoid) config["implementation"] = 2;
        return config;
    }

    public static GRUCell FromConfig(JObject config) =>
        new(RnnCellArgs.FromConfig(config), LSTMCell.RecurrentActivationName(config, "sigmoid"), LayerConfig.Get(config, "reset_after", true))
        { InputShape = LayerConfig.InputShape(config) };
}
