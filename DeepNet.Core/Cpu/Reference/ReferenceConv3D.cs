#nullable enable
namespace DeepNet.Backends.Cpu.Reference;

/// <summary>
/// Float64 reference of the NDHWC convolution and its two gradients, written straight from the
/// definition with plain loops. Readable, slow, for tests only. x (N, D, H, W, Cin), kernel
/// (KD, KH, KW, Cin/groups, Cout), y (N, OD, OH, OW, Cout); output channel o belongs to group
/// o / (Cout/groups) and sees the input channels of that group only. The 2-D reference is this
/// one with depth 1.
/// </summary>
public static class ReferenceConv3D
{
    /// <summary>Sizes of one convolution, with the output size and the padding before each spatial axis.</summary>
    public readonly record struct Dims(int N, int D, int H, int W, int Cin, int KD, int KH, int KW, int Cout,
        (int D, int H, int W) Strides, (int D, int H, int W) Dilation, (int D, int H, int W) PadBefore, (int D, int H, int W) Output,
        int Groups = 1)
    {
        /// <summary>Sizes for Keras arguments; padding follows TensorFlow's rule on each axis.</summary>
        public static Dims Create(int n, (int D, int H, int W) input, int cin, (int D, int H, int W) kernel, int cout,
            (int D, int H, int W) strides, (int D, int H, int W) dilation, Padding padding, int groups = 1)
        {
            var depth = PaddingMath.Compute(input.D, kernel.D, strides.D, dilation.D, padding);
            var height = PaddingMath.Compute(input.H, kernel.H, strides.H, dilation.H, padding);
            var width = PaddingMath.Compute(input.W, kernel.W, strides.W, dilation.W, padding);
            return new Dims(n, input.D, input.H, input.W, cin, kernel.D, kernel.H, kernel.W, cout, strides, dilation,
                (depth.Before, height.Before, width.Before), (depth.Output, height.Output, width.Output), groups);
        }

        public int GroupIn => Cin / Groups;

        public int GroupOut => Cout / Groups;

        public int XIndex(int n, int z, int y, int x, int c) => (((n * D + z) * H + y) * W + x) * Cin + c;

        public int YIndex(int n, int oz, int oy, int ox, int o) => (((n * Output.D + oz) * Output.H + oy) * Output.W + ox) * Cout + o;

        public int KIndex(int kz, int ky, int kx, int ci, int o) => (((kz * KH + ky) * KW + kx) * GroupIn + ci) * Cout + o;
    }

    /// <summary>Input index along one axis of kernel tap k for output position o, or −1 in the padding.</summary>
    private static int Tap(int o, int k, int stride, int dilation, int padBefore, int length)
    {
        int i = o * stride - padBefore + k * dilation;
        return i >= 0 && i < length ? i : -1;
    }

    /// <summary>
    /// Calls <paramref name="term"/>(xIndex, kernelIndex, yIndex) once for every product
    /// x[xIndex]·kernel[kernelIndex] that adds into y[yIndex]. The forward pass and both gradients
    /// are this one enumeration with a different accumulation.
    /// </summary>
    private static void ForEachTerm(Dims d, Action<int, int, int> term)
    {
        for (int n = 0; n < d.N; n++)
        for (int oz = 0; oz < d.Output.D; oz++)
        for (int oy = 0; oy < d.Output.H; oy++)
        for (int ox = 0; ox < d.Output.W; ox++)
        for (int kz = 0; kz < d.KD; kz++)
        for (int ky = 0; ky < d.KH; ky++)
        for (int kx = 0; kx < d.KW; kx++)
        {
            int z = Tap(oz, kz, d.Strides.D, d.Dilation.D, d.PadBefore.D, d.D);
            int y = Tap(oy, ky, d.Strides.H, d.Dilation.H, d.PadBefore.H, d.H);
            int x = Tap(ox, kx, d.Strides.W, d.Dilation.W, d.PadBefore.W, d.W);
            if (z < 0 || y < 0 || x < 0) continue;
            for (int o = 0; o < d.Cout; o++)
            {
                int group = o / d.GroupOut;
                for (int ci = 0; ci < d.GroupIn; ci++)
                    term(d.XIndex(n, z, y, x, group * d.GroupIn + ci), d.KIndex(kz, ky, kx, ci, o), d.YIndex(n, oz, oy, ox, o));
            }
        }
    }

    /// <summary>y[n, oz, oy, ox, o] = Σ x[n, z, y, x, group·GroupIn + ci] · kernel[kz, ky, kx, ci, o] (cross-correlation, as Keras).</summary>
    public static double[] Forward(double[] x, double[] kernel, in Dims d)
    {
        var y = new double[d.N * d.Output.D * d.Output.H * d.Output.W * d.Cout];
        ForEachTerm(d, (xi, ki, yi) => y[yi] += x[xi] * kernel[ki]);
        return y;
    }

    /// <summary>dx = ∂⟨y, dy⟩/∂x: each term x[i]·kernel[k] of y[j] sends dy[j]·kernel[k] back to x[i].</summary>
    public static double[] BackwardData(double[] dy, double[] kernel, in Dims d)
    {
        var dx = new double[d.N * d.D * d.H * d.W * d.Cin];
        ForEachTerm(d, (xi, ki, yi) => dx[xi] += dy[yi] * kernel[ki]);
        return dx;
    }

    /// <summary>dKernel = ∂⟨y, dy⟩/∂kernel: each term x[i]·kernel[k] of y[j] sends x[i]·dy[j] to kernel[k].</summary>
    public static double[] BackwardFilter(double[] x, double[] dy, in Dims d)
    {
        var dk = new double[d.KD * d.KH * d.KW * d.GroupIn * d.Cout];
        ForEachTerm(d, (xi, ki, yi) => dk[ki] += x[xi] * dy[yi]);
        return dk;
    }
}
