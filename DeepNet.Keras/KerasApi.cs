using DeepNet.Keras.Engine;
using DeepNet.Keras.Layers;

namespace DeepNet.Keras;

/// <summary>Top-level Keras functions (<c>keras.Input</c>).</summary>
public static class KerasApi
{
    /// <summary>
    /// A symbolic input of per-sample <paramref name="shape"/> (Keras <c>keras.Input</c>); the
    /// batch is None unless <paramref name="batchSize"/> is given. <paramref name="dtype"/> is a
    /// Keras dtype name (null: "float32"): int32/int64 for token ids, bool for masks, float16 or
    /// float64 data computed in float32 (see <see cref="KerasDTypes"/>).
    /// </summary>
    public static KerasTensor Input(int[] shape, int? batchSize = null, string? name = null, string? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new InputLayer(shape, batchSize, name: name, dtype: dtype).Output;
    }
}
