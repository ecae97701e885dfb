#nullable enable
namespace DeepNet.Backends;

/// <summary>Keras padding modes for convolution and pooling.</summary>
public enum Padding
{
    /// <summary>No padding: out = ceil((L - k_eff + 1) / s).</summary>
    Valid,

    /// <summary>
    /// TensorFlow's 'same': out = ceil(L / s); total = max((out-1)·s + k_eff - L, 0), split with the
    /// odd cell at the end (bottom/right).
    /// </summary>
    Same,

    /// <summary>Conv1D only: all k_eff - 1 cells of padding on the left (past only).</summary>
    Causal,
}

/// <summary>Output length and padding of one spatial dimension (keras-compat §4.4).</summary>
public static class PaddingMath
{
    /// <summary>Output length and (before, after) padding of a window of <paramref name="kernel"/> cells.</summary>
    public static (int Output, int Before, int After) Compute(int length, int kernel, int stride, int dilation, Padding padding)
    {
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), $"Strides must be positive; got {stride}.");
        if (dilation < 1) throw new ArgumentOutOfRangeException(nameof(dilation), $"Dilation rates must be positive; got {dilation}.");
        int effective = (kernel - 1) * dilation + 1;
        switch (padding)
        {
            case Padding.Valid:
            {
                int output = length >= effective ? (length - effective) / stride + 1 : 0;
                return (output, 0, 0);
            }
            case Padding.Same:
            {
                int output = (length + stride - 1) / stride;
                int total = Math.Max((output - 1) * stride + effective - length, 0);
                return (output, total / 2, total - total / 2);
            }
            case Padding.Causal:
            {
                // Keras pads k_eff - 1 cells on the left whatever the stride, then runs 'valid'.
                int output = (length + stride - 1) / stride;
                return (output, effective - 1, 0);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(padding), padding, null);
        }
    }
}
