namespace DeepNet.Tests.Keras.Layers;

/// <summary>
/// Float64 reference of the Keras recurrent layers (keras-compat §4.2), plain loops: the cell
/// equations, the time loop with go_backwards, and Keras's masking (a masked step keeps the states
/// and repeats the previous output).
/// </summary>
public static class RecurrentReference
{
    public enum Kind { SimpleRnn, Lstm, GruResetAfter, GruResetBefore }

    public static int Gates(Kind kind) => kind switch { Kind.SimpleRnn => 1, Kind.Lstm => 4, _ => 3 };

    public static int StateCount(Kind kind) => kind == Kind.Lstm ? 2 : 1;

    /// <summary>Bias length: (2, 3u) flattened for GRU reset_after, else gates·u.</summary>
    public static int BiasLength(Kind kind, int units) => kind == Kind.GruResetAfter ? 6 * units : Gates(kind) * units;

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    public static double HardSigmoidKeras2(double x) => Math.Clamp(0.2 * x + 0.5, 0, 1);

    public static double HardSigmoidKeras3(double x) => Math.Clamp(x + 3, 0, 6) / 6;

    /// <summary>A 0/1 (batch, steps) mask: sample 0 masked at its first two steps, sample 1 in the middle and at the end, the rest kept.</summary>
    public static double[] MakeMask(int batch, int steps)
    {
        var m = new double[batch * steps];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                bool masked = (b % 3) switch { 0 => t < 2, 1 => t == steps / 2 || t == steps - 1, _ => false };
                m[b * steps + t] = masked ? 0 : 1;
            }
        }
        return m;
    }

    /// <summary>
    /// Runs the layer. x is (batch, time, features), mask (batch, time) or null, kernel
    /// (features, gates·u), recurrent (u, gates·u), bias as Keras stores it (or null), initial
    /// states each (batch, u) or null for zeros. Returns the outputs in processing order
    /// (batch, time, u) and the final states.
    /// </summary>
    internal static (double[] Sequence, double[][] States) Run(Kind kind, double[] x, int batch, int steps, int features, int units,
        double[] kernel, double[] recurrent, double[]? bias, double[]? mask = null, bool goBackwards = false,
        double[][]? initial = null, Func<double, double>? recurrentActivation = null)
    {
        var sigma = recurrentActivation ?? Sigmoid;
        int g = Gates(kind) * units;
        int nStates = StateCount(kind);
        var states = new double[nStates][];
        for (int s = 0; s < nStates; s++) states[s] = initial is null ? new double[batch * units] : (double[])initial[s].Clone();
        var sequence = new double[batch * steps * units];
        var previousOutput = new double[batch * units];
        for (int k = 0; k < steps; k++)
        {
            int t = goBackwards ? steps - 1 - k : k;
            for (int b = 0; b < batch; b++)
            {
                // xk = x_t·kernel (+ input bias), hk = h·recurrent (+ recurrent bias for GRU reset_after).
                var xk = new double[g];
                var hk = new double[g];
                for (int j = 0; j < g; j++)
                {
                    double sx = 0, sh = 0;
                    for (int f = 0; f < features; f++) sx += x[(b * steps + t) * features + f] * kernel[f * g + j];
                    for (int i = 0; i < units; i++) sh += states[0][b * units + i] * recurrent[i * g + j];
                    if (bias is not null)
                    {
                        sx += bias[j];
                        if (kind == Kind.GruResetAfter) sh += bias[g + j];
                    }
                    xk[j] = sx;
                    hk[j] = sh;
                }
                var newStates = new double[nStates][];
                for (int s = 0; s < nStates; s++) newStates[s] = new double[units];
                for (int i = 0; i < units; i++)
                {
                    double h = states[0][b * units + i];
                    switch (kind)
                    {
                        case Kind.SimpleRnn:
                            newStates[0][i] = Math.Tanh(xk[i] + hk[i]);
                            break;
                        case Kind.Lstm:
                        {
                            double ig = sigma(xk[i] + hk[i]);
                            double fg = sigma(xk[units + i] + hk[units + i]);
                            double cc = Math.Tanh(xk[2 * units + i] + hk[2 * units + i]);
                            double og = sigma(xk[3 * units + i] + hk[3 * units + i]);
                            double c = fg * states[1][b * units + i] + ig * cc;
                            newStates[1][i] = c;
                            newStates[0][i] = og * Math.Tanh(c);
                            break;
                        }
                        case Kind.GruResetAfter:
                        {
                            double z = sigma(xk[i] + hk[i]);
                            double r = sigma(xk[units + i] + hk[units + i]);
                            double hh = Math.Tanh(xk[2 * units + i] + r * hk[2 * units + i]);
                            newStates[0][i] = z * h + (1 - z) * hh;
                            break;
                        }
                        case Kind.GruResetBefore:
                        {
                            double z = sigma(xk[i] + hk[i]);
                            double r = sigma(xk[units + i] + hk[units + i]);
                            // (r⊙h)·R_h needs every r, computed below; store z for now.
                            newStates[0][i] = z;
                            break;
                        }
                    }
                }
                if (kind == Kind.GruResetBefore)
                {
                    var r = new double[units];
                    for (int i = 0; i < units; i++) r[i] = sigma(xk[units + i] + hk[units + i]);
                    for (int i = 0; i < units; i++)
                    {
                        double rh = 0;
                        for (int m = 0; m < units; m++) rh += r[m] * states[0][b * units + m] * recurrent[m * g + 2 * units + i];
                        double hh = Math.Tanh(xk[2 * units + i] + rh);
                        double z = newStates[0][i];
                        newStates[0][i] = z * states[0][b * units + i] + (1 - z) * hh;
                    }
                }
                bool keep = mask is null || mask[b * steps + t] != 0;
                for (int i = 0; i < units; i++)
                {
                    if (keep)
                    {
                        for (int s = 0; s < nStates; s++) states[s][b * units + i] = newStates[s][i];
                        previousOutput[b * units + i] = newStates[0][i];
                    }
                    sequence[(b * steps + k) * units + i] = previousOutput[b * units + i];
                }
            }
        }
        return (sequence, states);
    }
}
