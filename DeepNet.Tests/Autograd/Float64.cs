namespace DeepNet.Tests.Autograd;

/// <summary>
/// Plain float64 loops the op tests use as independent forward references (row-major arrays with
/// an explicit shape). Written for clarity, not speed.
/// </summary>
internal static class Float64
{
    public static int[] Strides(int[] shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    public static int Size(int[] shape)
    {
        int n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }

    /// <summary>Multi-index of flat index <paramref name="flat"/>.</summary>
    public static int[] Unravel(int flat, int[] shape)
    {
        var idx = new int[shape.Length];
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            idx[i] = flat % shape[i];
            flat /= shape[i];
        }
        return idx;
    }

    public static double[] Map(double[] x, Func<double, double> f) => Array.ConvertAll(x, v => f(v));

    /// <summary>Numpy-broadcast binary op.</summary>
    public static double[] Broadcast(double[] a, int[] sa, double[] b, int[] sb, Func<double, double, double> f)
    {
        int rank = Math.Max(sa.Length, sb.Length);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - sa.Length ? 1 : sa[i - (rank - sa.Length)];
            int db = i < rank - sb.Length ? 1 : sb[i - (rank - sb.Length)];
            shape[i] = Math.Max(da, db);
        }
        var y = new double[Size(shape)];
        for (int n = 0; n < y.Length; n++)
        {
            var idx = Unravel(n, shape);
            y[n] = f(a[Index(idx, sa)], b[Index(idx, sb)]);
        }
        return y;
    }

    /// <summary>Flat index into a (possibly broadcast, lower-rank) operand.</summary>
    private static int Index(int[] idx, int[] shape)
    {
        int offset = idx.Length - shape.Length, flat = 0;
        for (int i = 0; i < shape.Length; i++) flat = flat * shape[i] + (shape[i] == 1 ? 0 : idx[i + offset]);
        return flat;
    }

    /// <summary>Reduces the listed axes with <paramref name="reduce"/>; output order is the same with or without keepdims.</summary>
    public static double[] Reduce(double[] x, int[] shape, int[] axes, Func<List<double>, double> reduce)
    {
        var outShape = (int[])shape.Clone();
        foreach (int a in axes) outShape[a] = 1;
        var groups = new List<double>[Size(outShape)];
        for (int i = 0; i < groups.Length; i++) groups[i] = new List<double>();
        var outStrides = Strides(outShape);
        for (int n = 0; n < x.Length; n++)
        {
            var idx = Unravel(n, shape);
            int o = 0;
            for (int i = 0; i < shape.Length; i++) o += (outShape[i] == 1 ? 0 : idx[i]) * outStrides[i];
            groups[o].Add(x[n]);
        }
        return Array.ConvertAll(groups, g => reduce(g));
    }

    /// <summary>op(a)·op(b) on the last two axes; b may be rank 2 (shared) or a's rank.</summary>
    public static double[] MatMul(double[] a, int[] sa, double[] b, int[] sb, bool ta, bool tb)
    {
        int rank = sa.Length;
        int batch = Size(sa[..^2]);
        int m = ta ? sa[^1] : sa[^2], k = ta ? sa[^2] : sa[^1];
        int n = tb ? sb[^2] : sb[^1];
        bool shared = sb.Length == 2 && rank > 2;
        var c = new double[batch * m * n];
        for (int p = 0; p < batch; p++)
        {
            int ao = p * m * k, bo = shared ? 0 : p * k * n;
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int q = 0; q < k; q++)
                {
                    double av = ta ? a[ao + q * m + i] : a[ao + i * k + q];
                    double bv = tb ? b[bo + j * k + q] : b[bo + q * n + j];
                    s += av * bv;
                }
                c[p * m * n + i * n + j] = s;
            }
        }
        return c;
    }

    /// <summary>Direct NHWC convolution; kernel (kh, kw, cin/groups, cout); explicit padding.</summary>
    public static double[] Conv2D(double[] x, int[] sx, double[] k, int[] sk, int sh, int sw, int dh, int dw,
        int padTop, int padLeft, int outH, int outW, int groups)
    {
        int n = sx[0], h = sx[1], w = sx[2], c = sx[3];
        int kh = sk[0], kw = sk[1], cg = sk[2], co = sk[3];
        int og = co / groups;
        var y = new double[n * outH * outW * co];
        for (int b = 0; b < n; b++)
        for (int oy = 0; oy < outH; oy++)
        for (int ox = 0; ox < outW; ox++)
        for (int f = 0; f < co; f++)
        {
            int g = f / og;
            double s = 0;
            for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++)
            {
                int iy = oy * sh + i * dh - padTop, ix = ox * sw + j * dw - padLeft;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                for (int ci = 0; ci < cg; ci++)
                    s += x[((b * h + iy) * w + ix) * c + g * cg + ci] * k[((i * kw + j) * cg + ci) * co + f];
            }
            y[((b * outH + oy) * outW + ox) * co + f] = s;
        }
        return y;
    }

    /// <summary>
    /// Transposed convolution by scattering: every input cell adds kernel·x into the output window
    /// it came from. kernel (kh, kw, cout, cin).
    /// </summary>
    public static double[] Conv2DTranspose(double[] x, int[] sx, double[] k, int[] sk, int sh, int sw, int dh, int dw,
        int padTop, int padLeft, int outH, int outW)
    {
        int n = sx[0], h = sx[1], w = sx[2], cin = sx[3];
        int kh = sk[0], kw = sk[1], cout = sk[2];
        var y = new double[n * outH * outW * cout];
        for (int b = 0; b < n; b++)
        for (int iy = 0; iy < h; iy++)
        for (int ix = 0; ix < w; ix++)
        for (int ci = 0; ci < cin; ci++)
        {
            double v = x[((b * h + iy) * w + ix) * cin + ci];
            for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++)
            {
                int oy = iy * sh + i * dh - padTop, ox = ix * sw + j * dw - padLeft;
                if (oy < 0 || oy >= outH || ox < 0 || ox >= outW) continue;
                for (int f = 0; f < cout; f++)
                    y[((b * outH + oy) * outW + ox) * cout + f] += v * k[((i * kw + j) * cout + f) * cin + ci];
            }
        }
        return y;
    }

    /// <summary>NHWC pooling; average counts only cells inside the input.</summary>
    public static double[] Pool2D(double[] x, int[] sx, bool max, int ph, int pw, int sh, int sw, int padTop, int padLeft, int outH, int outW)
    {
        int n = sx[0], h = sx[1], w = sx[2], c = sx[3];
        var y = new double[n * outH * outW * c];
        for (int b = 0; b < n; b++)
        for (int oy = 0; oy < outH; oy++)
        for (int ox = 0; ox < outW; ox++)
        for (int ch = 0; ch < c; ch++)
        {
            double acc = max ? double.NegativeInfinity : 0;
            int count = 0;
            for (int i = 0; i < ph; i++)
            for (int j = 0; j < pw; j++)
            {
                int iy = oy * sh + i - padTop, ix = ox * sw + j - padLeft;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                double v = x[((b * h + iy) * w + ix) * c + ch];
                acc = max ? Math.Max(acc, v) : acc + v;
                count++;
            }
            y[((b * outH + oy) * outW + ox) * c + ch] = max ? acc : acc / count;
        }
        return y;
    }

    /// <summary>Softmax or log-softmax over the last axis.</summary>
    public static double[] Softmax(double[] x, int last, bool log)
    {
        var y = new double[x.Length];
        for (int r = 0; r < x.Length / last; r++)
        {
            double mx = double.NegativeInfinity;
            for (int i = 0; i < last; i++) mx = Math.Max(mx, x[r * last + i]);
            double sum = 0;
            for (int i = 0; i < last; i++) sum += Math.Exp(x[r * last + i] - mx);
            for (int i = 0; i < last; i++)
                y[r * last + i] = log ? x[r * last + i] - mx - Math.Log(sum) : Math.Exp(x[r * last + i] - mx) / sum;
        }
        return y;
    }

    public static double[] Transpose(double[] x, int[] shape, int[] perm)
    {
        var outShape = Array.ConvertAll(perm, p => shape[p]);
        var inStrides = Strides(shape);
        var y = new double[x.Length];
        for (int n = 0; n < y.Length; n++)
        {
            var idx = Unravel(n, outShape);
            int src = 0;
            for (int i = 0; i < perm.Length; i++) src += idx[i] * inStrides[perm[i]];
            y[n] = x[src];
        }
        return y;
    }

    /// <summary>Element of x at a multi-index given per output element (used for slice, pad, tile, concat).</summary>
    public static double[] Gather(int[] outShape, Func<int[], double> valueAt)
    {
        var y = new double[Size(outShape)];
        for (int n = 0; n < y.Length; n++) y[n] = valueAt(Unravel(n, outShape));
        return y;
    }

    public static double At(double[] x, int[] shape, int[] idx)
    {
        int flat = 0;
        for (int i = 0; i < shape.Length; i++) flat = flat * shape[i] + idx[i];
        return x[flat];
    }
}
