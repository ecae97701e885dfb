#nullable enable
namespace DeepNet.Backends.Cpu.Reference;

/// <summary>
/// Float64 reference of batch normalization over x seen as rows × C, plain loops, textbook
/// formulas: μ = mean over rows, σ² = biased variance, y = γ·(x−μ)/√(σ²+ε) + β.
/// </summary>
public static class ReferenceBatchNorm
{
    /// <summary>Batch statistics (mean, biased variance) per channel.</summary>
    public static (double[] Mean, double[] Variance) Moments(double[] x, int rows, int c)
    {
        var mean = new double[c];
        var variance = new double[c];
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++) sum += x[r * c + ch];
            mean[ch] = sum / rows;
            double sq = 0;
            for (int r = 0; r < rows; r++) sq += (x[r * c + ch] - mean[ch]) * (x[r * c + ch] - mean[ch]);
            variance[ch] = sq / rows;
        }
        return (mean, variance);
    }

    public static double[] Normalize(double[] x, int rows, int c, double[] gamma, double[] beta, double[] mean, double[] variance, double epsilon)
    {
        var y = new double[rows * c];
        for (int r = 0; r < rows; r++)
        for (int ch = 0; ch < c; ch++)
            y[r * c + ch] = gamma[ch] * (x[r * c + ch] - mean[ch]) / Math.Sqrt(variance[ch] + epsilon) + beta[ch];
        return y;
    }

    /// <summary>Training-mode forward: batch statistics, then normalize with them.</summary>
    public static (double[] Y, double[] Mean, double[] Variance) Training(double[] x, int rows, int c, double[] gamma, double[] beta, double epsilon)
    {
        var (mean, variance) = Moments(x, rows, c);
        return (Normalize(x, rows, c, gamma, beta, mean, variance, epsilon), mean, variance);
    }

    /// <summary>
    /// Gradients of training-mode batch norm (μ and σ² depend on x):
    /// x̂ = (x−μ)/√(σ²+ε), dβ = Σ dy, dγ = Σ dy·x̂,
    /// dx = γ/√(σ²+ε) · (dy − dβ/M − x̂·dγ/M) with M rows.
    /// </summary>
    public static (double[] Dx, double[] DGamma, double[] DBeta) Backward(
        double[] x, double[] dy, int rows, int c, double[] gamma, double[] mean, double[] variance, double epsilon)
    {
        var dx = new double[rows * c];
        var dGamma = new double[c];
        var dBeta = new double[c];
        for (int ch = 0; ch < c; ch++)
        {
            double rstd = 1.0 / Math.Sqrt(variance[ch] + epsilon);
            for (int r = 0; r < rows; r++)
            {
                double xhat = (x[r * c + ch] - mean[ch]) * rstd;
                dBeta[ch] += dy[r * c + ch];
                dGamma[ch] += dy[r * c + ch] * xhat;
            }
            for (int r = 0; r < rows; r++)
            {
                double xhat = (x[r * c + ch] - mean[ch]) * rstd;
                dx[r * c + ch] = gamma[ch] * rstd * (dy[r * c + ch] - dBeta[ch] / rows - xhat * dGamma[ch] / rows);
            }
        }
        return (dx, dGamma, dBeta);
    }
}
