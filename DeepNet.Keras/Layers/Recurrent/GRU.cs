using DeepNet.Keras.Constraints;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Initializers;
using DeepNet.Keras.Regularizers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Gated recurrent unit layer (Keras <c>keras.layers.GRU</c>), a <see cref="RNN"/> over a
/// <see cref="GRUCell"/> (gate order z, r, h). Weights in Keras order: kernel (features, 3u),
/// recurrent_kernel (u, 3u), bias (2, 3u) with reset_after else (3u,). Keras defaults: activation="tanh",
/// recurrent_activation="sigmoid", use_bias=True, reset_after=True, glorot_uniform / orthogonal / zeros
/// initializers, no dropout, and the RNN defaults.
/// With tanh and sigmoid and no dropout in the call, the CPU backend runs the whole sequence as one
/// fused op (<see cref="Ops.GruSequence"/>); otherwise the cell steps through time.
/// </summary>
public sealed class GRU : RNN
{
    /// <param name="units">Width of the state and output.</param>
    public GRU(int units, string? activation = "tanh", string? recurrentActivation = "sigmoid", bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? recurrentInitializer = null, Initializer? biasInitializer = null,
        bool resetAfter = true,
        Regularizer? kernelRegularizer = null, Regularizer? recurrentRegularizer = null, Regularizer? biasRegularizer = null,
        Regularizer? activityRegularizer = null, Constraint? kernelConstraint = null, Constraint? recurrentConstraint = null,
        Constraint? biasConstraint = null, float dropout = 0f, float recurrentDropout = 0f, int? seed = null,
        bool returnSequences = false, bool returnState = false, bool goBackwards = false, bool stateful = false,
        bool unroll = false, bool zeroOutputForMask = false, string? name = null, bool trainable = true)
        : this(new GRUCell(new RnnCellArgs
        {
            Units = units, Activation = activation, UseBias = useBias, KernelInitializer = kernelInitializer,
            RecurrentInitializer = recurrentInitializer, BiasInitializer = biasInitializer,
            KernelRegularizer = kernelRegularizer, RecurrentRegularizer = recurrentRegularizer, BiasRegularizer = biasRegularizer,
            KernelConstraint = kernelConstraint, RecurrentConstraint = recurrentConstraint, BiasConstraint = biasConstraint,
            Dropout = dropout, RecurrentDropout = recurrentDropout, Seed = seed, Name = "gru_cell", Trainable = trainable,
        }, recurrentActivation, resetAfter), new RnnOptions(returnSequences, returnState, goBackwards, stateful, unroll, zeroOutputForMask),
            activityRegularizer, name, trainable)
    { }

    private GRU(GRUCell cell, RnnOptions options, Regularizer? activityRegularizer, string? name, bool trainable)
        : base(cell, options, activityRegularizer, name, trainable) { }

    public override string ClassName => "GRU";

    /// <summary>The cell that makes each step.</summary>
    public new GRUCell Cell => (GRUCell)base.Cell;

    /// <summary>The whole sequence as one fused op (<see cref="FusedRecurrence"/> says when).</summary>
    protected override (Tensor Result, Tensor[] States)? RunFused(Tensor inputs, Tensor[] initialStates, Tensor? mask, bool training)
    {
        var cell = Cell;
        if (!FusedRecurrence.Applies(cell, cell.RecurrentActivation, inputs, mask, training)) return null;
        return Ops.GruSequence(inputs, cell.Kernel!.Value, cell.RecurrentKernel!.Value, cell.Bias?.Value, cell.ResetAfter,
            initialStates[0], mask, GoBackwards, ReturnSequences, ZeroOutputForMask);
    }

    public override JObject GetConfig() => FlatConfig(withSeed: true);

    /// <summary>Reads a Keras 3 or Keras 2 config (Keras 2's hard_sigmoid formula when it carries implementation/time_major).</summary>
    public static new GRU FromConfig(JObject config)
    {
        var cell = GRUCell.FromConfig(CellConfig(config));
        return new GRU(cell, RnnKeys(config), KerasObjects.Regularizer(config["activity_regularizer"]), LayerConfig.Name(config), LayerConfig.Trainable(config))
        { InputShape = LayerConfig.InputShape(config) };
    }

    private static JObject CellConfig(JObject config)
    {
        var cellConfig = (JObject)config.DeepClone();
        cellConfig["name"] = "gru_cell";
        cellConfig.Remove("batch_input_shape");
        cellConfig.Remove("batch_shape");
        cellConfig.Remove("input_shape");
        // reset_after appeared in Keras 2.1.3 and every later version writes it: a config without
        // the key comes from a Keras that only had the reset-before form.
        if (cellConfig["reset_after"] is null) cellConfig["reset_after"] = false;
        return cellConfig;
    }
}
