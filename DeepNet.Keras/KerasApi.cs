using DeepNet.Keras.Engine;
using DeepNet.Keras.Layers;

namespace DeepNet.Keras;

/// <summary>Top-level Keras functions (<c>keras.Input</c>).</summary>
public static class KerasApi
{
    /// <summary>
    /// A symbolic input of per-sample <paramref name="shape"/> (Keras <c>keras.Input</c>); the
    /// batch is None unless <paramref name="batchSize"/> is given.
    /// </summary>
    public static KerasTensor Input(int[] shape, int? batchSize = null, string? name = null, string dtype = "float32")
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (dtype != "float32") throw new NotSupportedException($"Input dtype must be \"float32\", received dtype={dtype}.");
        return new InputLayer(shape, batchSize, name: name).Output;
    }
}
