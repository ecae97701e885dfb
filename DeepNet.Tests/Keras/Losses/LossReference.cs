namespace DeepNet.Tests.Keras.Losses;

/// <summary>
/// Float64 reference implementations of Keras 3's loss functions, written from the formulas
/// (keras/src/losses/losses.py and the TensorFlow backend's nn.py): one value per row of
/// (rows × classes) row-major data, and the reductions.
/// </summary>
public static class LossReference
{
    public const double Eps = 1e-7;

    public delegate double RowLoss(ReadOnlySpan<double> yTrue, ReadOnlySpan<double> yPred);

    public static double[] PerRow(double[] yTrue, double[] yPred, int rows, RowLoss f)
    {
        int c = yPred.Length / rows;
        var result = new double[rows];
        for (int r = 0; r < rows; r++) result[r] = f(yTrue.AsSpan(r * c, c), yPred.AsSpan(r * c, c));
        return result;
    }

    /// <summary>sum_over_batch_size / sum / mean_with_sample_weight over per-sample losses.</summary>
    public static double Reduce(double[] losses, double[]? weights, string reduction)
    {
        double sum = 0, wsum = 0;
        for (int i = 0; i < losses.Length; i++)
        {
            double w = weights?[i] ?? 1.0;
            sum += losses[i] * w;
            wsum += w;
        }
        return reduction switch
        {
            "sum" => sum,
            "mean_with_sample_weight" => wsum == 0 ? 0 : sum / wsum,
            _ => sum / losses.Length,
        };
    }

    private static double Clip(double x, double lo, double hi) => Math.Min(Math.Max(x, lo), hi);

    private static double Mean(ReadOnlySpan<double> t, ReadOnlySpan<double> p, Func<double, double, double> f)
    {
        double s = 0;
        for (int i = 0; i < t.Length; i++) s += f(t[i], p[i]);
        return s / t.Length;
    }

    public static double Mse(ReadOnlySpan<double> t, ReadOnlySpan<double> p) => Mean(t, p, (a, b) => (a - b) * (a - b));

    public static double Mae(ReadOnlySpan<double> t, ReadOnlySpan<double> p) => Mean(t, p, (a, b) => Math.Abs(a - b));

    public static double Mape(ReadOnlySpan<double> t, ReadOnlySpan<double> p) => 100 * Mean(t, p, (a, b) => Math.Abs((a - b) / Math.Max(Math.Abs(a), Eps)));

    public static double Msle(ReadOnlySpan<double> t, ReadOnlySpan<double> p) =>
        Mean(t, p, (a, b) => Math.Pow(Math.Log(Math.Max(b, Eps) + 1) - Math.Log(Math.Max(a, Eps) + 1), 2));

    public static double LogCosh(ReadOnlySpan<double> t, ReadOnlySpan<double> p) => Mean(t, p, (a, b) => Math.Log(Math.Cosh(b - a)));

    public static RowLoss Huber(double delta) => (t, p) => Mean(t, p, (a, b) =>
    {
        double e = Math.Abs(b - a);
        return e <= delta ? 0.5 * e * e : delta * e - 0.5 * delta * delta;
    });

    private static double[] HingeLabels(ReadOnlySpan<double> t, bool allBinary)
    {
        var y = t.ToArray();
        if (allBinary) for (int i = 0; i < y.Length; i++) y[i] = 2 * y[i] - 1;
        return y;
    }

    /// <summary>Hinge; <paramref name="allBinary"/> says whether the whole batch's labels are 0/1 (Keras decides per batch).</summary>
    public static RowLoss Hinge(bool allBinary) => (t, p) => Mean(HingeLabels(t, allBinary), p, (a, b) => Math.Max(1 - a * b, 0));

    public static RowLoss SquaredHinge(bool allBinary) => (t, p) => Mean(HingeLabels(t, allBinary), p, (a, b) => Math.Pow(Math.Max(1 - a * b, 0), 2));

    public static double CategoricalHinge(ReadOnlySpan<double> t, ReadOnlySpan<double> p)
    {
        double pos = 0, neg = double.NegativeInfinity;
        for (int i = 0; i < t.Length; i++)
        {
            pos += t[i] * p[i];
            neg = Math.Max(neg, (1 - t[i]) * p[i]);
        }
        return Math.Max(neg - pos + 1, 0);
    }

    public static double Kld(ReadOnlySpan<double> t, ReadOnlySpan<double> p)
    {
        double s = 0;
        for (int i = 0; i < t.Length; i++)
        {
            double a = Clip(t[i], Eps, 1), b = Clip(p[i], Eps, 1);
            s += a * Math.Log(a / b);
        }
        return s;
    }

    public static double Poisson(ReadOnlySpan<double> t, ReadOnlySpan<double> p) => Mean(t, p, (a, b) => b - a * Math.Log(b + Eps));

    public static double Cosine(ReadOnlySpan<double> t, ReadOnlySpan<double> p)
    {
        double tt = 0, pp = 0, tp = 0;
        for (int i = 0; i < t.Length; i++) { tt += t[i] * t[i]; pp += p[i] * p[i]; tp += t[i] * p[i]; }
        return -tp / (Math.Max(Math.Sqrt(tt), Eps) * Math.Max(Math.Sqrt(pp), Eps));
    }

    public static RowLoss BinaryCrossentropy(bool fromLogits, double smoothing) => (t, p) => Mean(t, p, (y, x) =>
    {
        y = y * (1 - smoothing) + 0.5 * smoothing;
        if (fromLogits) return Math.Max(x, 0) - x * y + Math.Log(1 + Math.Exp(-Math.Abs(x)));
        double q = Clip(x, Eps, 1 - Eps);
        return -(y * Math.Log(q) + (1 - y) * Math.Log(1 - q));
    });

    public static RowLoss CategoricalCrossentropy(bool fromLogits, double smoothing) => (t, p) =>
    {
        int c = t.Length;
        var y = new double[c];
        for (int i = 0; i < c; i++) y[i] = t[i] * (1 - smoothing) + smoothing / c;
        var logq = new double[c];
        if (fromLogits)
        {
            double max = double.NegativeInfinity;
            for (int i = 0; i < c; i++) max = Math.Max(max, p[i]);
            double z = 0;
            for (int i = 0; i < c; i++) z += Math.Exp(p[i] - max);
            for (int i = 0; i < c; i++) logq[i] = p[i] - max - Math.Log(z);
        }
        else
        {
            double sum = 0;
            for (int i = 0; i < c; i++) sum += p[i];
            for (int i = 0; i < c; i++) logq[i] = Math.Log(Clip(p[i] / sum, Eps, 1 - Eps));
        }
        double loss = 0;
        for (int i = 0; i < c; i++) loss -= y[i] * logq[i];
        return loss;
    };

    /// <summary>Sparse cross-entropy of one row against class <paramref name="label"/>.</summary>
    public static double SparseCrossentropy(int label, ReadOnlySpan<double> p, bool fromLogits)
    {
        int c = p.Length;
        var logits = new double[c];
        for (int i = 0; i < c; i++) logits[i] = fromLogits ? p[i] : Math.Log(Clip(p[i], Eps, 1 - Eps));
        double max = logits.Max(), z = 0;
        for (int i = 0; i < c; i++) z += Math.Exp(logits[i] - max);
        return -(logits[label] - max - Math.Log(z));
    }
}
