#nullable enable
namespace DeepNet.Backends.Cpu.Reference;

/// <summary>
/// Float64 reference for softmax and log-softmax along the last axis of a row-major array
/// seen as rows × cols, forward and backward.
/// </summary>
public static class ReferenceSoftmax
{
    public static double[] Forward(double[] x, int cols, bool log)
    {
        var y = new double[x.Length];
        for (int r = 0; r * cols < x.Length; r++)
        {
            int o = r * cols;
            double max = double.NegativeInfinity;
            for (int j = 0; j < cols; j++) max = Math.Max(max, x[o + j]);
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += Math.Exp(x[o + j] - max);
            for (int j = 0; j < cols; j++)
                y[o + j] = log ? x[o + j] - max - Math.Log(sum) : Math.Exp(x[o + j] - max) / sum;
        }
        return y;
    }

    /// <summary>
    /// Gradient through the forward output y: softmax dx = y·(dy − Σ dy·y);
    /// log-softmax dx = dy − exp(y)·Σ dy.
    /// </summary>
    public static double[] Backward(double[] y, double[] dy, int cols, bool log)
    {
        var dx = new double[y.Length];
        for (int r = 0; r * cols < y.Length; r++)
        {
            int o = r * cols;
            double s = 0;
            for (int j = 0; j < cols; j++) s += log ? dy[o + j] : dy[o + j] * y[o + j];
            for (int j = 0; j < cols; j++)
                dx[o + j] = log ? dy[o + j] - Math.Exp(y[o + j]) * s : y[o + j] * (dy[o + j] - s);
        }
        return dx;
    }
}
