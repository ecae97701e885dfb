#nullable enable
namespace DeepNet.Backends.Cpu.Reference;

/// <summary>
/// Plain float64 versions of the indexing and layout kernels (Gather, ScatterAdd, Concat, Slice,
/// Pad, Transpose, Tile): one loop over output elements through explicit multi-indices, no
/// blocking, no fast paths. Arrays are row-major; shapes are int[]. Not for production use.
/// </summary>
public static class ReferenceLayout
{
    /// <summary>y = x.shape[:axis] + indices.shape + x.shape[axis+1:], y[..., j..., ...] = x[..., indices[j...], ...].</summary>
    public static double[] Gather(double[] x, int[] xShape, long[] indices, int[] indicesShape, int axis, out int[] yShape)
    {
        if (axis < 0) axis += xShape.Length;
        yShape = [.. xShape[..axis], .. indicesShape, .. xShape[(axis + 1)..]];
        var y = new double[Size(yShape)];
        for (long f = 0; f < y.Length; f++)
        {
            int[] yi = Unravel(f, yShape);
            int[] ii = yi[axis..(axis + indicesShape.Length)];
            long index = indices[Ravel(ii, indicesShape)];
            int[] xi = [.. yi[..axis], (int)index, .. yi[(axis + indicesShape.Length)..]];
            y[f] = x[Ravel(xi, xShape)];
        }
        return y;
    }

    /// <summary>The adjoint of Gather: y[..., indices[j...], ...] += updates[..., j..., ...], in update order.</summary>
    public static void ScatterAdd(double[] updates, long[] indices, int[] indicesShape, int axis, double[] y, int[] yShape)
    {
        if (axis < 0) axis += yShape.Length;
        int[] uShape = [.. yShape[..axis], .. indicesShape, .. yShape[(axis + 1)..]];
        for (long f = 0; f < updates.Length; f++)
        {
            int[] ui = Unravel(f, uShape);
            long index = indices[Ravel(ui[axis..(axis + indicesShape.Length)], indicesShape)];
            int[] yi = [.. ui[..axis], (int)index, .. ui[(axis + indicesShape.Length)..]];
            y[Ravel(yi, yShape)] += updates[f];
        }
    }

    /// <summary>Joins inputs along axis.</summary>
    public static double[] Concat(double[][] inputs, int[][] shapes, int axis, out int[] yShape)
    {
        if (axis < 0) axis += shapes[0].Length;
        yShape = (int[])shapes[0].Clone();
        yShape[axis] = 0;
        foreach (var s in shapes) yShape[axis] += s[axis];
        var y = new double[Size(yShape)];
        for (long f = 0; f < y.Length; f++)
        {
            int[] yi = Unravel(f, yShape);
            int k = 0, start = 0;
            while (yi[axis] >= start + shapes[k][axis]) start += shapes[k++][axis];
            int[] xi = (int[])yi.Clone();
            xi[axis] -= start;
            y[f] = inputs[k][Ravel(xi, shapes[k])];
        }
        return y;
    }

    /// <summary>y[i] = x[begin + i] for i within size.</summary>
    public static double[] Slice(double[] x, int[] xShape, int[] begin, int[] size)
    {
        var y = new double[Size(size)];
        for (long f = 0; f < y.Length; f++)
        {
            int[] yi = Unravel(f, size);
            int[] xi = new int[yi.Length];
            for (int d = 0; d < yi.Length; d++) xi[d] = yi[d] + begin[d];
            y[f] = x[Ravel(xi, xShape)];
        }
        return y;
    }

    /// <summary>y of yShape filled with value, with x placed at offset before.</summary>
    public static double[] Pad(double[] x, int[] xShape, int[] before, int[] yShape, double value)
    {
        var y = new double[Size(yShape)];
        for (long f = 0; f < y.Length; f++)
        {
            int[] yi = Unravel(f, yShape);
            int[] xi = new int[yi.Length];
            bool inside = true;
            for (int d = 0; d < yi.Length; d++)
            {
                xi[d] = yi[d] - before[d];
                inside &= xi[d] >= 0 && xi[d] < xShape[d];
            }
            y[f] = inside ? x[Ravel(xi, xShape)] : value;
        }
        return y;
    }

    /// <summary>y[i0, ..., in] = x[j] with j[perm[k]] = i[k].</summary>
    public static double[] Transpose(double[] x, int[] xShape, int[] perm, out int[] yShape)
    {
        yShape = new int[perm.Length];
        for (int k = 0; k < perm.Length; k++) yShape[k] = xShape[perm[k]];
        var y = new double[x.Length];
        for (long f = 0; f < y.Length; f++)
        {
            int[] yi = Unravel(f, yShape);
            int[] xi = new int[yi.Length];
            for (int k = 0; k < perm.Length; k++) xi[perm[k]] = yi[k];
            y[f] = x[Ravel(xi, xShape)];
        }
        return y;
    }

    /// <summary>y[i] = x[i mod xShape].</summary>
    public static double[] Tile(double[] x, int[] xShape, int[] yShape)
    {
        var y = new double[Size(yShape)];
        for (long f = 0; f < y.Length; f++)
        {
            int[] yi = Unravel(f, yShape);
            for (int d = 0; d < yi.Length; d++) yi[d] %= xShape[d];
            y[f] = x[Ravel(yi, xShape)];
        }
        return y;
    }

    public static long Size(int[] shape)
    {
        long s = 1;
        foreach (int d in shape) s *= d;
        return s;
    }

    /// <summary>The multi-index of row-major flat index f.</summary>
    public static int[] Unravel(long f, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = (int)(f % shape[d]);
            f /= shape[d];
        }
        return index;
    }

    /// <summary>The row-major flat index of a multi-index.</summary>
    public static long Ravel(int[] index, int[] shape)
    {
        long f = 0;
        for (int d = 0; d < shape.Length; d++) f = f * shape[d] + index[d];
        return f;
    }
}
