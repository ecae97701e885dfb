using DeepNet.Backends;
using DeepNet.Memory;
using DeepNet.Tests.Autograd;

namespace DeepNet.Tests.OpTests;

public class ConvTests
{
    /// <summary>TensorFlow's output length and leading padding, written out independently of PaddingMath.</summary>
    internal static (int Out, int Before) Geometry(int length, int kernel, int stride, int dilation, bool same)
    {
        int effective = (kernel - 1) * dilation + 1;
        if (!same) return ((length - effective) / stride + 1, 0);
        int output = (length + stride - 1) / stride;
        int total = Math.Max((output - 1) * stride + effective - length, 0);
        return (output, total / 2);
    }

    private static void CheckConv2D(int[] sx, int[] sk, (int H, int W) s, (int H, int W) d, bool same, int groups)
    {
        var (oh, top) = Geometry(sx[1], sk[0], s.H, d.H, same);
        var (ow, left) = Geometry(sx[2], sk[1], s.W, d.W, same);
        GradientCheck.Check($"Conv2D x{new Shape(sx)} k{new Shape(sk)} s{s} d{d} same={same} groups={groups}",
            x =>
            {
                var y = DeepNet.Ops.Conv2D(x[0], x[1], s, same ? Padding.Same : Padding.Valid, d, groups);
                Assert.That(y.Shape, Is.EqualTo(new Shape(sx[0], oh, ow, sk[3])));
                return y;
            },
            x => Float64.Conv2D(x[0], sx, x[1], sk, s.H, s.W, d.H, d.W, top, left, oh, ow, groups),
            [new Shape(sx), new Shape(sk)]);
    }

    [Test]
    public void Conv2D_ValidStride1_MatchesFiniteDifferences() => CheckConv2D([2, 5, 6, 3], [3, 3, 3, 4], (1, 1), (1, 1), false, 1);

    [Test]
    public void Conv2D_Stride2SamePadding_MatchesFiniteDifferences() => CheckConv2D([1, 7, 5, 2], [3, 2, 2, 3], (2, 2), (1, 1), true, 1);

    [Test]
    public void Conv2D_DilationSamePadding_MatchesFiniteDifferences() => CheckConv2D([1, 6, 6, 2], [3, 3, 2, 2], (1, 1), (2, 1), true, 1);

    [Test]
    public void Conv2D_TwoGroupsNonSquareStride_MatchesFiniteDifferences() => CheckConv2D([2, 4, 5, 4], [2, 2, 2, 6], (1, 2), (1, 1), false, 2);

    [Test]
    public void Conv2D_KernelChannelsDiffer_ThrowsNamingShapes()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(2, 5, 5, 3));
        var k = Tensor.Zeros(new Shape(3, 3, 4, 8));
        var e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.Conv2D(x, k));
        Assert.That(e!.Message, Does.StartWith("Conv2D:").And.Contain("(3, 3, 4, 8)").And.Contain("(2, 5, 5, 3)"));
    }

    [Test]
    public void Conv1D_Stride2Valid_MatchesFiniteDifferences()
    {
        int[] sx = [2, 9, 3], sk = [3, 3, 2];
        var (ol, _) = Geometry(9, 3, 2, 1, false);
        GradientCheck.Check("Conv1D valid stride 2", x => DeepNet.Ops.Conv1D(x[0], x[1], stride: 2),
            x => Float64.Conv2D(x[0], [2, 1, 9, 3], x[1], [1, 3, 3, 2], 1, 2, 1, 1, 0, 0, 1, ol, 1),
            [new Shape(sx), new Shape(sk)]);
    }

    [Test]
    public void Conv1D_CausalDilated_SeesOnlyThePast()
    {
        int[] sx = [1, 7, 2], sk = [3, 2, 3];
        // Causal: (k − 1)·dilation = 4 cells of padding on the left, output length = input length.
        GradientCheck.Check("Conv1D causal dilation 2", x => DeepNet.Ops.Conv1D(x[0], x[1], padding: Padding.Causal, dilation: 2),
            x => Float64.Conv2D(x[0], [1, 1, 7, 2], x[1], [1, 3, 2, 3], 1, 1, 1, 2, 0, 4, 1, 7, 1),
            [new Shape(sx), new Shape(sk)]);
    }

    [Test]
    public void DepthwiseConv2D_Multiplier2Stride2Same_MatchesFiniteDifferences()
    {
        int[] sx = [1, 5, 6, 3], sk = [3, 3, 3, 2];
        var (oh, top) = Geometry(5, 3, 2, 1, true);
        var (ow, left) = Geometry(6, 3, 2, 1, true);
        GradientCheck.Check("DepthwiseConv2D", x => DeepNet.Ops.DepthwiseConv2D(x[0], x[1], (2, 2), Padding.Same),
            x =>
            {
                // Output channel c·mult + m reads input channel c with kernel [.., .., c, m].
                var grouped = new double[x[1].Length];
                for (int i = 0; i < 9; i++) for (int c = 0; c < 3; c++) for (int m = 0; m < 2; m++)
                    grouped[i * 6 + c * 2 + m] = x[1][(i * 3 + c) * 2 + m];
                return Float64.Conv2D(x[0], sx, grouped, [3, 3, 1, 6], 2, 2, 1, 1, top, left, oh, ow, 3);
            },
            [new Shape(sx), new Shape(sk)]);
    }

    private static void CheckTranspose(int[] sx, int[] sk, (int H, int W) s, bool same, (int H, int W)? outputPadding)
    {
        int Length(int l, int k, int st, int? op)
        {
            if (op is int p) return (l - 1) * st + k - 2 * (same ? k / 2 : 0) + p;
            return same ? l * st : l * st + Math.Max(k - st, 0);
        }
        int oh = Length(sx[1], sk[0], s.H, outputPadding?.H), ow = Length(sx[2], sk[1], s.W, outputPadding?.W);
        int top = same ? Math.Max((sx[1] - 1) * s.H + sk[0] - oh, 0) / 2 : 0;
        int left = same ? Math.Max((sx[2] - 1) * s.W + sk[1] - ow, 0) / 2 : 0;
        GradientCheck.Check($"Conv2DTranspose x{new Shape(sx)} k{new Shape(sk)} s{s} same={same} op={outputPadding}",
            x =>
            {
                var y = DeepNet.Ops.Conv2DTranspose(x[0], x[1], s, same ? Padding.Same : Padding.Valid, outputPadding);
                Assert.That(y.Shape, Is.EqualTo(new Shape(sx[0], oh, ow, sk[2])));
                return y;
            },
            x => Float64.Conv2DTranspose(x[0], sx, x[1], sk, s.H, s.W, 1, 1, top, left, oh, ow),
            [new Shape(sx), new Shape(sk)]);
    }

    [Test]
    public void Conv2DTranspose_ValidStride2_MatchesFiniteDifferences() => CheckTranspose([2, 3, 4, 2], [3, 3, 3, 2], (2, 2), false, null);

    [Test]
    public void Conv2DTranspose_SameStride2_MatchesFiniteDifferences() => CheckTranspose([1, 3, 3, 2], [3, 2, 2, 2], (2, 2), true, null);

    [Test]
    public void Conv2DTranspose_OutputPadding_MatchesFiniteDifferences() => CheckTranspose([1, 3, 2, 1], [3, 3, 2, 1], (2, 2), true, (1, 0));

    [Test]
    public void Conv2DTranspose_KernelInputChannelsDiffer_Throws()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(1, 3, 3, 2));
        var k = Tensor.Zeros(new Shape(3, 3, 4, 5));
        var e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.Conv2DTranspose(x, k));
        Assert.That(e!.Message, Does.StartWith("Conv2DTranspose:").And.Contain("(3, 3, 4, 5)"));
    }
}
