#nullable enable
using DeepNet.Backends;

namespace DeepNet;

// Seeded, counter-based random tensors (Philox): element i depends only on (seed, offset + i), so
// results do not depend on the thread count. Callers advance offset by the element count between
// draws. Not differentiable; Dropout is, through the mask it multiplies by.
public static partial class Ops
{
    public static Tensor RandomUniform(Shape shape, float low = 0f, float high = 1f, ulong seed = 0, ulong offset = 0, IBackend? backend = null)
    {
        if (!(low < high)) throw new ArgumentException($"RandomUniform: low ({low}) must be below high ({high}).");
        var y = Tensor.Empty(shape, DType.Float32, backend);
        y.Backend.RandomUniform(y, seed, offset, low, high);
        return y;
    }

    public static Tensor RandomNormal(Shape shape, float mean = 0f, float stddev = 1f, ulong seed = 0, ulong offset = 0, IBackend? backend = null)
    {
        if (stddev < 0) throw new ArgumentException($"RandomNormal: stddev must be non-negative; got {stddev}.");
        var y = Tensor.Empty(shape, DType.Float32, backend);
        y.Backend.RandomNormal(y, seed, offset, mean, stddev);
        return y;
    }

    /// <summary>Normal values redrawn until they lie within 2 standard deviations of the mean (Keras TruncatedNormal).</summary>
    public static Tensor TruncatedNormal(Shape shape, float mean = 0f, float stddev = 1f, ulong seed = 0, ulong offset = 0, IBackend? backend = null)
    {
        if (stddev < 0) throw new ArgumentException($"TruncatedNormal: stddev must be non-negative; got {stddev}.");
        var y = Tensor.Empty(shape, DType.Float32, backend);
        y.Backend.TruncatedNormal(y, seed, offset, mean, stddev);
        return y;
    }

    /// <summary>Inverted-dropout mask: 0 with probability <paramref name="rate"/>, else 1/(1 − rate); rate 1 gives all zeros.</summary>
    public static Tensor DropoutMask(Shape shape, float rate, ulong seed = 0, ulong offset = 0, IBackend? backend = null)
    {
        if (!(rate >= 0f && rate <= 1f)) throw new ArgumentOutOfRangeException(nameof(rate), $"Dropout: rate must be in [0, 1]; got {rate}.");
        var mask = Tensor.Empty(shape, DType.Float32, backend);
        if (rate == 1f) mask.Backend.Fill(mask, 0f);
        else mask.Backend.DropoutMask(mask, seed, offset, rate);
        return mask;
    }

    /// <summary>
    /// Inverted dropout (training mode): x·mask with the mask from <see cref="DropoutMask"/>, so
    /// kept values are scaled by 1/(1 − rate). The gradient is multiplied by the same mask.
    /// </summary>
    public static Tensor Dropout(Tensor x, float rate, ulong seed = 0, ulong offset = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckFloat("Dropout", x);
        var mask = DropoutMask(x.Shape, rate, seed, offset, x.Backend);
        var y = Multiply(x, mask);
        Release(mask);
        return y;
    }
}
