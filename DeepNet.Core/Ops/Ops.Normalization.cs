#nullable enable
using DeepNet.Autograd;
using DeepNet.Backends;

namespace DeepNet;

/// <summary>Result of <see cref="Ops.BatchNormTraining"/>: the normalised output and the batch statistics.</summary>
/// <param name="Y">Normalised, scaled and shifted x (differentiable).</param>
/// <param name="Mean">Per-channel batch mean, shape (C,) (a constant to the tape).</param>
/// <param name="Variance">Per-channel biased batch variance, shape (C,) (a constant to the tape).</param>
public readonly record struct BatchNormResult(Tensor Y, Tensor Mean, Tensor Variance);

// Normalisation over the last axis (channels_last). Batch norm uses the backend's fused kernels;
// layer norm is composed of primitives, so its gradient comes for free.
public static partial class Ops
{
    /// <summary>
    /// Batch normalisation in training mode over every axis but the last: y = γ·(x − μ)/√(σ² + ε) + β
    /// with the batch mean μ and biased variance σ², which are returned so the layer can update its
    /// moving statistics. gamma and beta have shape (C,).
    /// </summary>
    public static BatchNormResult BatchNormTraining(Tensor x, Tensor gamma, Tensor beta, float epsilon = 1e-3f)
    {
        CheckBatchNorm("BatchNormTraining", x, gamma, beta);
        var channels = new Shape(x.Shape[-1]);
        var y = NewLike(x, x.Shape);
        var mean = NewLike(x, channels);
        var variance = NewLike(x, channels);
        x.Backend.BatchNormTraining(x, gamma, beta, epsilon, y, mean, variance);
        if (Recording)
        {
            // Private copies of the statistics: the caller may dispose the returned ones once the
            // moving averages are updated, before the gradient is taken.
            var savedMean = NewLike(x, channels);
            var savedVariance = NewLike(x, channels);
            x.Backend.Copy(mean, savedMean);
            x.Backend.Copy(variance, savedVariance);
            GradientTape.Record("BatchNormTraining", y, [x, gamma, beta], (dy, _) =>
            {
                var dx = NewLike(x, x.Shape);
                var dGamma = NewLike(x, channels);
                var dBeta = NewLike(x, channels);
                x.Backend.BatchNormBackward(x, dy, gamma, savedMean, savedVariance, epsilon, dx, dGamma, dBeta);
                return [dx, dGamma, dBeta];
            });
        }
        return new BatchNormResult(y, mean, variance);
    }

    /// <summary>
    /// Batch normalisation with given statistics (inference): y = γ·(x − mean)/√(variance + ε) + β.
    /// Gradients flow to x, gamma and beta; mean and variance are treated as constants (they are
    /// moving statistics, not trained).
    /// </summary>
    public static Tensor BatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance, float epsilon = 1e-3f)
    {
        CheckBatchNorm("BatchNormInference", x, gamma, beta);
        SameBackend("BatchNormInference", x, mean, variance);
        var channels = new Shape(x.Shape[-1]);
        if (mean.Shape != channels || variance.Shape != channels)
            throw new ShapeMismatchException("BatchNormInference", $"mean {mean.Shape} and variance {variance.Shape} must have shape {channels} for x {x.Shape}.");
        var y = NewLike(x, x.Shape);
        x.Backend.BatchNormInference(x, gamma, beta, mean, variance, epsilon, y);
        if (Recording)
        {
            GradientTape.Record("BatchNormInference", y, [x, gamma, beta, mean, variance], (dy, want) =>
            {
                using var shifted = Add(variance, epsilon);
                using var rstd = Rsqrt(shifted);
                Tensor? dx = null, dGamma = null, dBeta = null;
                if (want[0])
                {
                    using var scale = Multiply(gamma, rstd);
                    dx = Multiply(dy, scale);
                }
                var leading = new int[x.Rank - 1];
                for (int i = 0; i < leading.Length; i++) leading[i] = i;
                if (want[1])
                {
                    using var centered = Subtract(x, mean);
                    using var normalized = Multiply(centered, rstd);
                    using var t = Multiply(dy, normalized);
                    dGamma = Sum(t, leading);
                }
                if (want[2]) dBeta = Sum(dy, leading);
                return [dx, dGamma, dBeta, null, null];
            });
        }
        return y;
    }

    private static void CheckBatchNorm(string op, Tensor x, Tensor gamma, Tensor beta)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        SameBackend(op, x, gamma, beta);
        CheckFloat(op, x);
        if (x.Rank < 2) throw new ShapeMismatchException(op, $"needs x of rank ≥ 2 (rows × channels), got {x.Shape}.");
        var channels = new Shape(x.Shape[-1]);
        if (gamma.Shape != channels || beta.Shape != channels)
            throw new ShapeMismatchException(op, $"gamma {gamma.Shape} and beta {beta.Shape} must have shape {channels} for x {x.Shape}.");
    }

    /// <summary>
    /// Layer normalisation over <paramref name="axes"/> (default: the last):
    /// y = (x − mean)/√(var + ε)·γ + β, with γ and β broadcast against x (either may be null).
    /// Composed of primitives.
    /// </summary>
    public static Tensor LayerNorm(Tensor x, Tensor? gamma, Tensor? beta, int[]? axes = null, float epsilon = 1e-3f)
    {
        ArgumentNullException.ThrowIfNull(x);
        axes ??= [-1];
        var mean = Mean(x, axes, keepDims: true);
        var centered = Subtract(x, mean);
        var squared = Square(centered);
        var variance = Mean(squared, axes, keepDims: true);
        var shifted = Add(variance, epsilon);
        var rstd = Rsqrt(shifted);
        var y = Multiply(centered, rstd);
        foreach (var t in new[] { mean, centered, squared, variance, shifted, rstd }) Release(t);
        if (gamma is not null)
        {
            var scaled = Multiply(y, gamma);
            Release(y);
            y = scaled;
        }
        if (beta is not null)
        {
            var shiftedY = Add(y, beta);
            Release(y);
            y = shiftedY;
        }
        return y;
    }
}
