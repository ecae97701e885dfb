#nullable enable
using DeepNet.Autograd;
using DeepNet.Backends;

namespace DeepNet;

// Convolutions, NHWC with Keras kernel layouts. A convolution is linear in x and in the kernel:
// its adjoints are the backend's ConvBackwardData (for x) and ConvBackwardFilter (for the kernel).
// Conv1D is Conv2D with height 1; depthwise is a grouped convolution; a transposed convolution
// runs ConvBackwardData forward and ConvForward backward.
public static partial class Ops
{
    /// <summary>
    /// 2-D convolution: x (N, H, W, C), kernel (kh, kw, C/groups, filters) → (N, OH, OW, filters).
    /// strides and dilation default to (1, 1); padding 'valid' or 'same' as TensorFlow computes it.
    /// </summary>
    public static Tensor Conv2D(Tensor x, Tensor kernel, (int H, int W)? strides = null, Padding padding = Padding.Valid,
        (int H, int W)? dilation = null, int groups = 1)
    {
        if (padding == Padding.Causal)
            throw new ArgumentException("Conv2D: 'causal' padding exists only for Conv1D.", nameof(padding));
        return ConvCore(x, kernel, strides, padding, dilation, groups);
    }

    /// <summary>Conv2D; 'causal' pads only the width (left), which is what Conv1D needs.</summary>
    private static Tensor ConvCore(Tensor x, Tensor kernel, (int H, int W)? strides, Padding padding, (int H, int W)? dilation, int groups)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(kernel);
        SameBackend("Conv2D", x, kernel);
        CheckFloat("Conv2D", x);
        CheckFloat("Conv2D", kernel, "kernel");
        CheckRank("Conv2D", x, 4);
        CheckRank("Conv2D", kernel, 4, "kernel");
        if (groups < 1 || x.Shape[3] % groups != 0 || kernel.Shape[3] % groups != 0)
            throw new ShapeMismatchException("Conv2D", $"groups = {groups} must divide the input channels of x {x.Shape} and the filters of kernel {kernel.Shape}.");
        if (kernel.Shape[2] * groups != x.Shape[3])
            throw new ShapeMismatchException("Conv2D", $"kernel {kernel.Shape} expects {kernel.Shape[2] * groups} input channels, got x {x.Shape}.");

        var spec = ConvSpec.Create(x.Shape[1], x.Shape[2], kernel.Shape[0], kernel.Shape[1],
            strides ?? (1, 1), dilation ?? (1, 1), padding, groups);
        var y = NewLike(x, new Shape(x.Shape[0], spec.OutputHeight(x.Shape[1], kernel.Shape[0]),
            spec.OutputWidth(x.Shape[2], kernel.Shape[1]), kernel.Shape[3]));
        x.Backend.ConvForward(x, kernel, y, spec);
        if (Recording)
        {
            GradientTape.Record("Conv2D", y, [x, kernel], (dy, want) =>
            {
                Tensor? dx = null, dk = null;
                if (want[0])
                {
                    dx = NewLike(x, x.Shape);
                    x.Backend.ConvBackwardData(dy, kernel, dx, spec);
                }
                if (want[1])
                {
                    dk = NewLike(kernel, kernel.Shape);
                    x.Backend.ConvBackwardFilter(x, dy, dk, spec);
                }
                return [dx, dk];
            });
        }
        return y;
    }

    /// <summary>
    /// 1-D convolution: x (N, L, C), kernel (k, C/groups, filters) → (N, OL, filters); padding may
    /// be 'causal'. Runs as Conv2D with height 1.
    /// </summary>
    public static Tensor Conv1D(Tensor x, Tensor kernel, int stride = 1, Padding padding = Padding.Valid, int dilation = 1, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(kernel);
        CheckRank("Conv1D", x, 3);
        CheckRank("Conv1D", kernel, 3, "kernel");
        if (kernel.Shape[1] * groups != x.Shape[2])
            throw new ShapeMismatchException("Conv1D", $"kernel {kernel.Shape} expects {kernel.Shape[1] * groups} input channels, got x {x.Shape}.");
        var x4 = Reshape(x, x.Shape[0], 1, x.Shape[1], x.Shape[2]);
        var k4 = Reshape(kernel, 1, kernel.Shape[0], kernel.Shape[1], kernel.Shape[2]);
        var y4 = ConvCore(x4, k4, (1, stride), padding, (1, dilation), groups);
        var y = Reshape(y4, y4.Shape[0], y4.Shape[2], y4.Shape[3]);
        Release(x4);
        Release(k4);
        Release(y4);
        return y;
    }

    /// <summary>
    /// Depthwise 2-D convolution: x (N, H, W, C), kernel (kh, kw, C, multiplier) → (N, OH, OW,
    /// C·multiplier), output channel c·multiplier + m (Keras order). A grouped Conv2D with C groups.
    /// </summary>
    public static Tensor DepthwiseConv2D(Tensor x, Tensor depthwiseKernel, (int H, int W)? strides = null, Padding padding = Padding.Valid,
        (int H, int W)? dilation = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(depthwiseKernel);
        CheckRank("DepthwiseConv2D", x, 4);
        CheckRank("DepthwiseConv2D", depthwiseKernel, 4, "kernel");
        var k = depthwiseKernel.Shape;
        if (k[2] != x.Shape[3])
            throw new ShapeMismatchException("DepthwiseConv2D", $"kernel {k} expects {k[2]} input channels, got x {x.Shape}.");
        var grouped = Reshape(depthwiseKernel, k[0], k[1], 1, k[2] * k[3]);
        var y = Conv2D(x, grouped, strides, padding, dilation, groups: x.Shape[3]);
        Release(grouped);
        return y;
    }

    /// <summary>
    /// Transposed 2-D convolution (the adjoint of Conv2D): x (N, H, W, in), kernel (kh, kw, filters,
    /// in) as Keras stores it → (N, OH, OW, filters) with OH = H·s + max(k_eff − s, 0) ('valid') or
    /// H·s ('same'), or (H − 1)·s + k_eff − 2·pad + outputPadding when outputPadding is given.
    /// </summary>
    public static Tensor Conv2DTranspose(Tensor x, Tensor kernel, (int H, int W)? strides = null, Padding padding = Padding.Valid,
        (int H, int W)? outputPadding = null, (int H, int W)? dilation = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(kernel);
        SameBackend("Conv2DTranspose", x, kernel);
        CheckFloat("Conv2DTranspose", x);
        CheckFloat("Conv2DTranspose", kernel, "kernel");
        CheckRank("Conv2DTranspose", x, 4);
        CheckRank("Conv2DTranspose", kernel, 4, "kernel");
        if (padding == Padding.Causal)
            throw new ArgumentException("Conv2DTranspose: 'causal' padding is not supported.", nameof(padding));
        if (kernel.Shape[3] != x.Shape[3])
            throw new ShapeMismatchException("Conv2DTranspose", $"kernel {kernel.Shape} expects {kernel.Shape[3]} input channels, got x {x.Shape}.");
        var s = strides ?? (1, 1);
        var d = dilation ?? (1, 1);
        int outH = TransposedLength(x.Shape[1], kernel.Shape[0], s.H, d.H, padding, outputPadding?.H);
        int outW = TransposedLength(x.Shape[2], kernel.Shape[1], s.W, d.W, padding, outputPadding?.W);

        // The convolution that maps the output back onto x; TensorFlow derives its padding the same way.
        var spec = ConvSpec.Create(outH, outW, kernel.Shape[0], kernel.Shape[1], s, d, padding);
        if (spec.OutputHeight(outH, kernel.Shape[0]) != x.Shape[1] || spec.OutputWidth(outW, kernel.Shape[1]) != x.Shape[2])
            throw new ShapeMismatchException("Conv2DTranspose", $"outputPadding {outputPadding} does not fit x {x.Shape} with kernel {kernel.Shape} and strides {s} (it must be smaller than the stride).");
        var y = NewLike(x, new Shape(x.Shape[0], outH, outW, kernel.Shape[2]));
        x.Backend.ConvBackwardData(x, kernel, y, spec);
        if (Recording)
        {
            GradientTape.Record("Conv2DTranspose", y, [x, kernel], (dy, want) =>
            {
                Tensor? dx = null, dk = null;
                if (want[0])
                {
                    dx = NewLike(x, x.Shape);
                    x.Backend.ConvForward(dy, kernel, dx, spec);
                }
                if (want[1])
                {
                    // <dy, convᵀ(x, K)> = <conv(dy, K), x>: the filter gradient of a conv with input dy, output gradient x.
                    dk = NewLike(kernel, kernel.Shape);
                    x.Backend.ConvBackwardFilter(dy, x, dk, spec);
                }
                return [dx, dk];
            });
        }
        return y;
    }

    /// <summary>
    /// Transposed 1-D convolution: x (N, L, in), kernel (k, filters, in) as Keras stores it →
    /// (N, OL, filters). Runs as Conv2DTranspose with height 1.
    /// </summary>
    public static Tensor Conv1DTranspose(Tensor x, Tensor kernel, int stride = 1, Padding padding = Padding.Valid,
        int? outputPadding = null, int dilation = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(kernel);
        CheckRank("Conv1DTranspose", x, 3);
        CheckRank("Conv1DTranspose", kernel, 3, "kernel");
        if (kernel.Shape[2] != x.Shape[2])
            throw new ShapeMismatchException("Conv1DTranspose", $"kernel {kernel.Shape} expects {kernel.Shape[2]} input channels, got x {x.Shape}.");
        var x4 = Reshape(x, x.Shape[0], 1, x.Shape[1], x.Shape[2]);
        var k4 = Reshape(kernel, 1, kernel.Shape[0], kernel.Shape[1], kernel.Shape[2]);
        (int, int)? padding2 = outputPadding is int p ? (0, p) : null;
        var y4 = Conv2DTranspose(x4, k4, (1, stride), padding, padding2, (1, dilation));
        var y = Reshape(y4, y4.Shape[0], y4.Shape[2], y4.Shape[3]);
        Release(x4);
        Release(k4);
        Release(y4);
        return y;
    }

    /// <summary>Keras's deconv_output_length (keras-compat §4.4).</summary>
    private static int TransposedLength(int length, int kernel, int stride, int dilation, Padding padding, int? outputPadding)
    {
        int effective = (kernel - 1) * dilation + 1;
        if (outputPadding is int p)
        {
            int pad = padding == Padding.Same ? effective / 2 : 0;
            return (length - 1) * stride + effective - 2 * pad + p;
        }
        return padding == Padding.Same ? length * stride : length * stride + Math.Max(effective - stride, 0);
    }
}
