using DeepNet.Backends;
using DeepNet.Memory;
using DeepNet.Tests.Autograd;

namespace DeepNet.Tests.OpTests;

public class PoolTests
{
    private static void CheckPool2D(bool max, int[] sx, (int H, int W) pool, (int H, int W) strides, bool same)
    {
        var (oh, top) = ConvTests.Geometry(sx[1], pool.H, strides.H, 1, same);
        var (ow, left) = ConvTests.Geometry(sx[2], pool.W, strides.W, 1, same);
        var padding = same ? Padding.Same : Padding.Valid;
        GradientCheck.Check($"{(max ? "MaxPool2D" : "AvgPool2D")} x{new Shape(sx)} pool{pool} s{strides} same={same}",
            x => max ? DeepNet.Ops.MaxPool2D(x[0], pool, strides, padding) : DeepNet.Ops.AvgPool2D(x[0], pool, strides, padding),
            x => Float64.Pool2D(x[0], sx, max, pool.H, pool.W, strides.H, strides.W, top, left, oh, ow),
            [new Shape(sx)]);
    }

    [Test]
    public void MaxPool2D_2x2Valid_MatchesFiniteDifferences() => CheckPool2D(true, [2, 4, 5, 3], (2, 2), (2, 2), false);

    [Test]
    public void MaxPool2D_3x3Stride2Same_MatchesFiniteDifferences() => CheckPool2D(true, [1, 5, 6, 2], (3, 3), (2, 2), true);

    [Test]
    public void AvgPool2D_SamePaddingExcludesPaddedCells_MatchesFiniteDifferences() => CheckPool2D(false, [2, 5, 5, 2], (2, 3), (1, 2), true);

    [Test]
    public void AvgPool2D_OverlappingValid_MatchesFiniteDifferences() => CheckPool2D(false, [1, 4, 4, 1], (3, 3), (1, 1), false);

    [Test]
    public void MaxPool1D_Stride2Same_MatchesFiniteDifferences()
    {
        var (ol, left) = ConvTests.Geometry(7, 3, 2, 1, true);
        GradientCheck.Check("MaxPool1D", x => DeepNet.Ops.MaxPool1D(x[0], 3, 2, Padding.Same),
            x => Float64.Pool2D(x[0], [2, 1, 7, 3], true, 1, 3, 1, 2, 0, left, 1, ol), [new Shape(2, 7, 3)]);
    }

    [Test]
    public void AvgPool1D_DefaultStride_MatchesFiniteDifferences()
    {
        GradientCheck.Check("AvgPool1D", x => DeepNet.Ops.AvgPool1D(x[0], 2),
            x => Float64.Pool2D(x[0], [1, 1, 7, 2], false, 1, 2, 1, 2, 0, 0, 1, 3), [new Shape(1, 7, 2)]);
    }

    [Test]
    public void MaxPool2D_Rank3Input_ThrowsNamingShape()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(4, 4, 3));
        var e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.MaxPool2D(x, (2, 2)));
        Assert.That(e!.Message, Does.StartWith("MaxPool2D:").And.Contain("(4, 4, 3)"));
    }
}
