using DeepNet.Backends;

namespace DeepNet.Keras.Layers;

/// <summary>
/// When the LSTM and GRU layers may run the whole sequence as one fused op
/// (<see cref="Ops.LstmSequence"/>, <see cref="Ops.GruSequence"/>) instead of stepping the cell:
/// Keras's default activations (tanh, with sigmoid gates), no dropout in this call, float32 data
/// on a backend with the fused kernels. Anything else steps the cell, which supports it all.
/// </summary>
internal static class FusedRecurrence
{
    public static bool Applies(RnnCell cell, ActivationFunction recurrentActivation, Tensor inputs, Tensor? mask, bool training)
    {
        if (cell.Activation.Kind != ActivationKind.Tanh || recurrentActivation.Kind != ActivationKind.Sigmoid) return false;
        if (training && (Active(cell.Dropout) || Active(cell.RecurrentDropout))) return false;
        if (inputs.DType != DType.Float32 || (mask is not null && mask.DType != DType.Float32)) return false;
        return Ops.SupportsFusedRecurrence(inputs.Backend);
    }

    // The cells draw a dropout mask only for rates strictly between 0 and 1.
    private static bool Active(float rate) => rate > 0f && rate < 1f;
}
