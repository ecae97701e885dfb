using DeepNet.Backends;

namespace DeepNet.Keras.Layers;

/// <summary>
/// The 0/1 float masks the attention layers combine (Keras uses booleans): causal and banded
/// masks made on the host, logical AND as a broadcast product, and the masked score that
/// softmax turns into (almost) zero weight.
/// </summary>
internal static class AttentionMasks
{
    /// <summary>Keras's stand-in for −∞ in float32 attention scores.</summary>
    public const float LargeNegative = -1e9f;

    /// <summary>(1, T, S): 1 where key position j ≤ query position i (Keras <c>_compute_causal_mask</c>).</summary>
    public static Tensor Causal(int queryLength, int keyLength, IBackend backend) =>
        Band(queryLength, keyLength, backend, (i, j) => j <= i);

    /// <summary>(1, T, S): 1 where |i − j| &lt; window (Keras <c>_compute_sliding_window_mask</c>).</summary>
    public static Tensor SlidingWindow(int queryLength, int keyLength, int window, IBackend backend) =>
        Band(queryLength, keyLength, backend, (i, j) => Math.Abs(i - j) < window);

    private static Tensor Band(int t, int s, IBackend backend, Func<int, int, bool> keep)
    {
        var data = new float[t * s];
        for (int i = 0; i < t; i++)
        {
            for (int j = 0; j < s; j++) data[i * s + j] = keep(i, j) ? 1f : 0f;
        }
        return Tensor.FromArray(data, new Shape(1, t, s), backend);
    }

    /// <summary>1 where the mask is non-zero (Keras casts masks to bool), as float32.</summary>
    public static Tensor ToBinary(Tensor mask)
    {
        var asFloat = mask.DType == DType.Float32 ? mask : Ops.Cast(mask, DType.Float32);
        using var zero = Tensor.Zeros(new Shape(1), DType.Float32, mask.Backend);
        return Ops.NotEqual(asFloat, zero);
    }

    /// <summary>Logical AND of two 0/1 masks (either may be null), broadcasting.</summary>
    public static Tensor? And(Tensor? a, Tensor? b) => a is null ? b : b is null ? a : Ops.Multiply(a, b);

    /// <summary>
    /// where(mask, scores, −1e9) as Keras's masked Softmax does, written as a product and a sum
    /// so that the gradient reaches the kept scores.
    /// </summary>
    public static Tensor Replace(Tensor scores, Tensor mask)
    {
        Tensor fill;
        using (Engine.NoTape.Begin())
        {
            fill = Ops.Multiply(Ops.Subtract(1f, mask), LargeNegative);
        }
        return Ops.Add(Ops.Multiply(scores, mask), fill);
    }
}
