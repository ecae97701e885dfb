using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Long short-term memory layer (Keras <c>keras.layers.LSTM</c>), a <see cref="RNN"/> over an
/// <see cref="LSTMCell"/> (gate order i, f, c, o). Weights in Keras order: kernel (features, 4u),
/// recurrent_kernel (u, 4u), bias (4u,). Keras defaults: activation="tanh", recurrent_activation="sigmoid",
/// use_bias=True, unit_forget_bias=True, glorot_uniform / orthogonal / zeros initializers, no dropout,
/// and the RNN defaults.
/// With tanh and sigmoid and no dropout in the call, the CPU backend runs the whole sequence as one
/// fused op (<see cref="Ops.LstmSequence"/>); otherwise the cell steps through time.
/// </summary>
public sealed class LSTM : RNN
{
    /// <param name="units">Width of the state and output.</param>
    public LSTM(int units, string? activation = "tanh", string? recurrentActivation = "sigmoid", bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        bool unitForgetBias = true,
        Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null, Constraint? recurrentConstraint = null,
        Constraint? biasConstraint = null, float dropout = 0f, float recurrentDropout = 0f, int? seed = null,
        bool returnSequences = false, bool returnState = false, bool goBackwards = false, bool stateful = false,
        bool unroll = false, bool zeroOutputForMask = false, string? name = null, bool trainable = true)
        : this(new LSTMCell(new RnnCellArgs
        {
            Units = units, Activation = activation, UseBias = useBias, KernelInitializer = kernelInitializer,
            RecurrentInitializer = recurrentInitializer, BiasInitializer = biasInitializer,
            KernelRegularizer = kernelRegularizer, RecurrentRegularizer = recurrentRegularizer, BiasRegularizer = biasRegularizer,
            KernelConstraint = kernelConstraint, RecurrentConstraint = recurrentConstraint, BiasConstraint = biasConstraint,
            Dropout = dropout, RecurrentDropout = recurrentDropout, Seed = seed, Name = "lstm_cell", Trainable = trainable,
        }, recurrentActivation, unitForgetBias), new RnnOptions(returnSequences, returnState, goBackwards, stateful, unroll, zeroOutputForMask),
            activityRegularizer, name, trainable)
    { }

    private LSTM(LSTMCell cell, RnnOptions options, Regularizer? activityRegularizer, string? name, bool trainable)
        : base(cell, options, activityRegularizer, name, trainable) { }

    public override string ClassName => "LSTM";

    /// <summary>The cell that makes each step.</summary>
    public new LSTMCell Cell => (LSTMCell)base.Cell;

    /// <summary>The whole sequence as one fused op (<see cref="FusedRecurrence"/> says when).</summary>
    protected override (Tensor Result, Tensor[] States)? RunFused(Tensor inputs, Tensor[] initialStates, Tensor? mask, bool training)
    {
        var cell = Cell;
        if (!FusedRecurrence.Applies(cell, cell.RecurrentActivation, inputs, mask, training)) return null;
        return Ops.LstmSequence(inputs, cell.Kernel!.Value, cell.RecurrentKernel!.Value, cell.Bias?.Value,
            initialStates[0], initialStates[1], mask, GoBackwards, ReturnSequences, ZeroOutputForMask);
    }

    public override JObject GetConfig() => FlatConfig(withSeed: true);

    /// <summary>Reads a Keras 3 or Keras 2 config (Keras 2's hard_sigmoid formula when it carries implementation/time_major).</summary>
    public static new LSTM FromConfig(JObject config)
    {
        var cell = LSTMCell.FromConfig(CellConfig(config));
        return new LSTM(cell, RnnKeys(config), KerasObjects.Regularizer(config["activity_regularizer"]), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }

    private static JObject CellConfig(JObject config)
    {
        var cellConfig = (JObject)config.DeepClone();
        cellConfig["name"] = "lstm_cell";
        cellConfig.Remove("batch_input_shape");
        cellConfig.Remove("batch_shape");
        cellConfig.Remove("input_shape");
        return cellConfig;
    }
}
