using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Fully connected RNN whose output is fed back as the next input (Keras <c>keras.layers.SimpleRNN</c>),
/// a <see cref="RNN"/> over a <see cref="SimpleRNNCell"/>. Weights in Keras order: kernel (features, u),
/// recurrent_kernel (u, u), bias (u,). Keras defaults: activation="tanh", use_bias=True, glorot_uniform /
/// orthogonal / zeros initializers, no dropout, and the RNN defaults.
/// </summary>
public sealed class SimpleRNN : RNN
{
    /// <param name="units">Width of the state and output.</param>
    public SimpleRNN(int units, string? activation = "tanh", bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null, Constraint? recurrentConstraint = null,
        Constraint? biasConstraint = null, float dropout = 0f, float recurrentDropout = 0f, int? seed = null,
        bool returnSequences = false, bool returnState = false, bool goBackwards = false, bool stateful = false,
        bool unroll = false, bool zeroOutputForMask = false, string? name = null, bool trainable = true)
        : this(new SimpleRNNCell(new RnnCellArgs
        {
            Units = units, Activation = activation, UseBias = useBias, KernelInitializer = kernelInitializer,
            RecurrentInitializer = recurrentInitializer, BiasInitializer = biasInitializer,
            KernelRegularizer = kernelRegularizer, RecurrentRegularizer = recurrentRegularizer, BiasRegularizer = biasRegularizer,
            KernelConstraint = kernelConstraint, RecurrentConstraint = recurrentConstraint, BiasConstraint = biasConstraint,
            Dropout = dropout, RecurrentDropout = recurrentDropout, Seed = seed, Name = "simple_rnn_cell", Trainable = trainable,
        }), new RnnOptions(returnSequences, returnState, goBackwards, stateful, unroll, zeroOutputForMask),
            activityRegularizer, name, trainable)
    { }

    private SimpleRNN(SimpleRNNCell cell, RnnOptions options, Regularizer? activityRegularizer, string? name, bool trainable)
        : base(cell, options, activityRegularizer, name, trainable) { }

    public override string ClassName => "SimpleRNN";

    /// <summary>The cell that makes each step.</summary>
    public new SimpleRNNCell Cell => (SimpleRNNCell)base.Cell;

    public override JObject GetConfig() => FlatConfig(withSeed: false);

    /// <summary>Reads a Keras 3 or Keras 2 config (Keras 2's hard_sigmoid formula when it carries implementation/time_major).</summary>
    public static new SimpleRNN FromConfig(JObject config)
    {
        var cell = SimpleRNNCell.FromConfig(CellConfig(config));
        return new SimpleRNN(cell, RnnKeys(config), KerasObjects.Regularizer(config["activity_regularizer"]), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }

    private static JObject CellConfig(JObject config)
    {
        var cellConfig = (JObject)config.DeepClone();
        cellConfig["name"] = "simple_rnn_cell";
        cellConfig.Remove("batch_input_shape");
        cellConfig.Remove("batch_shape");
        cellConfig.Remove("input_shape");
        return cellConfig;
    }
}
