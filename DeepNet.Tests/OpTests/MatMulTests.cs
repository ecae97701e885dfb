using DeepNet.Memory;
using DeepNet.Tests.Autograd;

namespace DeepNet.Tests.OpTests;

public class MatMulTests
{
    private static int[] Dims(int[] batch, int rows, int cols, bool transpose) =>
        [.. batch, transpose ? cols : rows, transpose ? rows : cols];

    private static void CheckMatMul(int[] batchA, int[] batchB, int m, int k, int n, bool ta, bool tb)
    {
        var sa = Dims(batchA, m, k, ta);
        var sb = Dims(batchB, k, n, tb);
        GradientCheck.Check($"MatMul a{new Shape(sa)} b{new Shape(sb)} tA={ta} tB={tb}",
            x => DeepNet.Ops.MatMul(x[0], x[1], ta, tb),
            x => Float64.MatMul(x[0], sa, x[1], sb, ta, tb),
            [new Shape(sa), new Shape(sb)]);
    }

    [Test]
    public void MatMul_Rank2_AllTransposes_MatchFiniteDifferences()
    {
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
            CheckMatMul([], [], 3, 5, 4, ta, tb);
    }

    [Test]
    public void MatMul_Rank2_SizeOneDimensions_MatchFiniteDifferences()
    {
        CheckMatMul([], [], 1, 7, 1, false, false);
        CheckMatMul([], [], 4, 1, 3, false, true);
    }

    [Test]
    public void MatMul_Batched_AllTransposes_MatchFiniteDifferences()
    {
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
            CheckMatMul([2], [2], 3, 4, 2, ta, tb);
    }

    [Test]
    public void MatMul_BatchedWithSharedRank2B_AllTransposes_MatchFiniteDifferences()
    {
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
            CheckMatMul([3], [], 2, 4, 3, ta, tb);
    }

    [Test]
    public void MatMul_Rank4_BatchAxesFlattened_MatchFiniteDifferences()
    {
        CheckMatMul([2, 2], [2, 2], 3, 2, 2, false, true);
        CheckMatMul([2, 1], [], 3, 2, 4, false, false);
    }

    [Test]
    public void MatMul_InnerDimensionsDiffer_ThrowsNamingBothShapes()
    {
        using var scope = TensorScope.Begin();
        var a = Tensor.Zeros(new Shape(2, 3));
        var b = Tensor.Zeros(new Shape(4, 5));
        var e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.MatMul(a, b));
        Assert.That(e!.Message, Does.StartWith("MatMul:").And.Contain("(2, 3)").And.Contain("(4, 5)"));
    }

    [Test]
    public void MatMul_BatchDimensionsDiffer_Throws()
    {
        using var scope = TensorScope.Begin();
        var a = Tensor.Zeros(new Shape(2, 3, 4));
        var b = Tensor.Zeros(new Shape(3, 4, 5));
        Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.MatMul(a, b));
    }
}
