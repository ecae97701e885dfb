#nullable enable
namespace DeepNet.Backends.Cpu.Reference;

/// <summary>
/// Float64 reference for reductions and argmax: every input element is visited once and added
/// to the output element its index maps to (reduced axes pinned to 0), with keepdims layout.
/// </summary>
public static class ReferenceReduce
{
    /// <summary>
    /// Reduces <paramref name="x"/> of <paramref name="shape"/> over <paramref name="axes"/>
    /// (negative allowed). Over zero elements: sum 0, mean NaN, max −∞, min +∞, product 1.
    /// </summary>
    public static double[] Reduce(ReduceOp op, double[] x, int[] shape, int[] axes)
    {
        var reduced = new bool[shape.Length];
        foreach (int a in axes) reduced[a < 0 ? a + shape.Length : a] = true;
        var outShape = new int[shape.Length];
        long outSize = 1, count = 1;
        for (int k = 0; k < shape.Length; k++)
        {
            outShape[k] = reduced[k] ? 1 : shape[k];
            outSize *= outShape[k];
            if (reduced[k]) count *= shape[k];
        }
        var y = new double[outSize];
        double init = op switch
        {
            ReduceOp.Max => double.NegativeInfinity,
            ReduceOp.Min => double.PositiveInfinity,
            ReduceOp.Prod => 1,
            _ => 0,
        };
        Array.Fill(y, init);
        var index = new int[shape.Length];
        for (long i = 0; i < x.Length; i++)
        {
            long rest = i;
            for (int k = shape.Length - 1; k >= 0; k--)
            {
                index[k] = (int)(rest % shape[k]);
                rest /= shape[k];
            }
            long o = 0;
            for (int k = 0; k < shape.Length; k++) o = o * outShape[k] + (reduced[k] ? 0 : index[k]);
            y[o] = op switch
            {
                ReduceOp.Max => Math.Max(y[o], x[i]),
                ReduceOp.Min => Math.Min(y[o], x[i]),
                ReduceOp.Prod => y[o] * x[i],
                _ => y[o] + x[i],
            };
        }
        if (op == ReduceOp.Mean)
            for (long o = 0; o < outSize; o++) y[o] /= count;
        return y;
    }

    /// <summary>numpy argmax along <paramref name="axis"/>: first maximum wins, a NaN wins first.</summary>
    public static long[] ArgMax(double[] x, int[] shape, int axis)
    {
        if (axis < 0) axis += shape.Length;
        long outer = 1, inner = 1;
        for (int k = 0; k < axis; k++) outer *= shape[k];
        for (int k = axis + 1; k < shape.Length; k++) inner *= shape[k];
        int n = shape[axis];
        var result = new long[outer * inner];
        for (long o = 0; o < outer; o++)
        {
            for (long i = 0; i < inner; i++)
            {
                long best = 0;
                for (int k = 0; k < n; k++)
                {
                    double v = x[(o * n + k) * inner + i];
                    double b = x[(o * n + best) * inner + i];
                    if (double.IsNaN(b)) break;
                    if (double.IsNaN(v) || v > b) best = k;
                }
                result[o * inner + i] = best;
            }
        }
        return result;
    }
}
