#nullable enable
namespace DeepNet.Backends.Cpu.Reference;

/// <summary>
/// Float64 reference of NHWC max and average pooling and their gradients, plain loops. Padded
/// cells take no part: a max ignores them (as −∞ would), an average divides by the cells inside
/// the input. Max gradient goes to the first maximum of the window in row-major order.
/// </summary>
public static class ReferencePool
{
    public static double[] Forward(double[] x, int n, int h, int w, int c, in PoolSpec spec)
    {
        int oh = spec.OutputHeight(h), ow = spec.OutputWidth(w);
        var y = new double[n * oh * ow * c];
        for (int b = 0; b < n; b++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        for (int ch = 0; ch < c; ch++)
        {
            double max = double.NegativeInfinity, sum = 0;
            int count = 0;
            foreach (int cell in WindowCells(b, i, j, h, w, spec))
            {
                double v = x[cell * c + ch];
                max = Math.Max(max, v);
                sum += v;
                count++;
            }
            y[((b * oh + i) * ow + j) * c + ch] = spec.Kind == PoolKind.Max ? max : sum / count;
        }
        return y;
    }

    public static double[] Backward(double[] x, double[] dy, int n, int h, int w, int c, in PoolSpec spec)
    {
        int oh = spec.OutputHeight(h), ow = spec.OutputWidth(w);
        var dx = new double[n * h * w * c];
        for (int b = 0; b < n; b++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        for (int ch = 0; ch < c; ch++)
        {
            double g = dy[((b * oh + i) * ow + j) * c + ch];
            var cells = WindowCells(b, i, j, h, w, spec);
            if (spec.Kind == PoolKind.Average)
            {
                foreach (int cell in cells) dx[cell * c + ch] += g / cells.Count;
                continue;
            }
            int best = -1;
            foreach (int cell in cells)
                if (best < 0 || x[cell * c + ch] > x[best * c + ch]) best = cell;
            if (best >= 0) dx[best * c + ch] += g;
        }
        return dx;
    }

    /// <summary>Flat pixel indices (n·H + h)·W + w of a window's cells inside the input, row-major.</summary>
    private static List<int> WindowCells(int b, int i, int j, int h, int w, in PoolSpec spec)
    {
        var cells = new List<int>();
        for (int ph = 0; ph < spec.PoolH; ph++)
        for (int pw = 0; pw < spec.PoolW; pw++)
        {
            int ih = i * spec.StrideH - spec.PadTop + ph, iw = j * spec.StrideW - spec.PadLeft + pw;
            if (ih >= 0 && ih < h && iw >= 0 && iw < w) cells.Add((b * h + ih) * w + iw);
        }
        return cells;
    }
}
