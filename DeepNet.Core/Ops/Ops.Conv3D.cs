#nullable enable
using DeepNet.Backends;

namespace DeepNet;

// 3-D convolution without a 3-D kernel: for each kernel-depth offset i, the input planes that
// offset reads form a batch of (N·OD) images, which Conv2D convolves with kernel[i]; the results
// add up. Slice, Reshape, Conv2D and Add carry the gradients, so every backend runs it as it is.
public static partial class Ops
{
    /// <summary>
    /// 3-D convolution: x (N, D, H, W, C), kernel (kd, kh, kw, C/groups, filters) → (N, OD, OH, OW,
    /// filters). strides and dilation default to (1, 1, 1); padding 'valid' or 'same' as TensorFlow
    /// computes it (the odd cell at the back, bottom and right).
    /// </summary>
    public static Tensor Conv3D(Tensor x, Tensor kernel, (int D, int H, int W)? strides = null, Padding padding = Padding.Valid,
        (int D, int H, int W)? dilation = null, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(kernel);
        SameBackend("Conv3D", x, kernel);
        CheckFloat("Conv3D", x);
        CheckFloat("Conv3D", kernel, "kernel");
        CheckRank("Conv3D", x, 5);
        CheckRank("Conv3D", kernel, 5, "kernel");
        if (padding == Padding.Causal)
            throw new ArgumentException("Conv3D: 'causal' padding exists only for Conv1D.", nameof(padding));
        if (groups < 1 || kernel.Shape[3] * groups != x.Shape[4])
            throw new ShapeMismatchException("Conv3D", $"kernel {kernel.Shape} with groups = {groups} expects {kernel.Shape[3] * groups} input channels, got x {x.Shape}.");
        var s = strides ?? (1, 1, 1);
        var d = dilation ?? (1, 1, 1);
        int n = x.Shape[0], depth = x.Shape[1], h = x.Shape[2], w = x.Shape[3], c = x.Shape[4];
        int kd = kernel.Shape[0];
        var (od, front, back) = PaddingMath.Compute(depth, kd, s.D, d.D, padding);
        if (od == 0)
            throw new ShapeMismatchException("Conv3D", $"kernel {kernel.Shape} with depth dilation {d.D} does not fit in x {x.Shape} ('valid' padding leaves no output).");

        // Input plane of offset i for output plane o: i·dilation + o·stride. Seen as (rows, stride)
        // blocks of the padded depth, the planes of one offset are OD consecutive rows at one column.
        int rows = Math.Max((depth + front + back + s.D - 1) / s.D, (kd - 1) * d.D / s.D + od);
        bool pad = front > 0 || rows * s.D > depth;
        var padded = pad ? Pad(x, [0, front, 0, 0, 0], [0, rows * s.D - depth - front, 0, 0, 0]) : x;
        var blocks = Reshape(padded, n, rows, s.D, h, w, c);
        int[] planeKernel = [kernel.Shape[1], kernel.Shape[2], kernel.Shape[3], kernel.Shape[4]];

        Tensor? sum = null;
        for (int i = 0; i < kd; i++)
        {
            int offset = i * d.D;
            var planes = Slice(blocks, [0, offset / s.D, offset % s.D, 0, 0, 0], [n, od, 1, h, w, c]);
            var images = Reshape(planes, n * od, h, w, c);
            var slab = Slice(kernel, [i, 0, 0, 0, 0], [1, .. planeKernel]);
            var k2 = Reshape(slab, planeKernel);
            var term = Conv2D(images, k2, (s.H, s.W), padding, (d.H, d.W), groups);
            Release(planes);
            Release(images);
            Release(slab);
            Release(k2);
            if (sum is null)
            {
                sum = term;
                continue;
            }
            var next = Add(sum, term);
            Release(sum);
            Release(term);
            sum = next;
        }
        Release(blocks);
        if (pad) Release(padded);
        var y = Reshape(sum!, n, od, sum!.Shape[1], sum.Shape[2], sum.Shape[3]);
        Release(sum);
        return y;
    }
}
