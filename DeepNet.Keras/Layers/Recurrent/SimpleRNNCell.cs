using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// The fully connected recurrent step (Keras <c>keras.layers.SimpleRNNCell</c>):
/// h' = activation(x·kernel + bias + h·recurrent_kernel). Weights: kernel (features, units),
/// recurrent_kernel (units, units), bias (units,). Keras defaults: activation="tanh",
/// use_bias=True, glorot_uniform / orthogonal / zeros initializers, no dropout.
/// </summary>
public sealed class SimpleRNNCell : RnnCell
{
    public SimpleRNNCell(RnnCellArgs args) : base(args) { }

    /// <param name="units">Width of the state and output.</param>
    public SimpleRNNCell(int units, string? activation = "tanh", bool useBias = true, float dropout = 0f,
        float recurrentDropout = 0f, int? seed = null, string? name = null)
        : this(new RnnCellArgs
        {
            Units = units, Activation = activation, UseBias = useBias, Dropout = dropout,
            RecurrentDropout = recurrentDropout, Seed = seed, Name = name,
        })
    { }

    public override string ClassName => "SimpleRNNCell";

    public override int[] StateSize => [Units];

    public override int ProjectedSize => Units;

    public override void Build(KerasShape inputShape)
    {
        BuildKernels(inputShape, Units);
        if (UseBias) Bias = AddWeight("bias", new Shape(Units), BiasInitializer, BiasRegularizer, BiasConstraint);
    }

    public override Tensor ProjectInputs(Tensor inputs, bool training) =>
        Ops.Dense(ApplyInputDropout(inputs, training), Kernel!.Value, Bias?.Value);

    public override (Tensor Output, Tensor[] States) Step(Tensor projected, IReadOnlyList<Tensor> states, bool training)
    {
        var previous = ApplyRecurrentDropout(states[0], training);
        var h = Activation.Call(Ops.Add(projected, Ops.MatMul(previous, RecurrentKernel!.Value)));
        return (h, [h]);
    }

    public override JObject GetConfig() => CommonConfig();

    public static SimpleRNNCell FromConfig(JObject config) =>
        new(RnnCellArgs.FromConfig(config)) { InputShape = LayerConfig.InputShape(config) };
}
