namespace DeepNet.Tests;

/// <summary>Central finite differences in float64: the independent reference for analytic gradients.</summary>
internal static class FiniteDifferences
{
    /// <summary>
    /// (loss(v + h·e_i) − loss(v − h·e_i)) / 2h, where <paramref name="loss"/> reads <paramref name="values"/>
    /// in place; values[i] is restored afterwards.
    /// </summary>
    public static double Derivative(double[] values, int i, Func<double> loss, double step)
    {
        double saved = values[i];
        values[i] = saved + step;
        double plus = loss();
        values[i] = saved - step;
        double minus = loss();
        values[i] = saved;
        return (plus - minus) / (2 * step);
    }

    /// <summary>The derivative of <paramref name="loss"/> with respect to every element of <paramref name="values"/>.</summary>
    public static double[] Gradient(double[] values, Func<double> loss, double step)
    {
        var g = new double[values.Length];
        for (int i = 0; i < g.Length; i++) g[i] = Derivative(values, i, loss, step);
        return g;
    }
}
