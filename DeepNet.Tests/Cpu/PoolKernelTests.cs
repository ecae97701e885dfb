using DeepNet.Backends;
using DeepNet.Backends.Cpu;
using DeepNet.Backends.Cpu.Reference;

namespace DeepNet.Tests.Cpu;

/// <summary>CPU max and average pooling against the float64 loops in <see cref="ReferencePool"/>.</summary>
public class PoolKernelTests
{
    private static readonly CpuBackend Cpu = new(threads: 2);

    public sealed record Case(string Name, PoolKind Kind, int N, int H, int W, int C, (int H, int W) Pool, (int H, int W) Strides, Padding Padding)
    {
        public PoolSpec Spec => PoolSpec.Create(Kind, H, W, Pool, Strides, Padding);

        public override string ToString() => Name;
    }

    public static readonly Case[] Cases =
    [
        new("Max_2x2_Valid", PoolKind.Max, 3, 6, 6, 4, (2, 2), (2, 2), Padding.Valid),
        new("Max_2x2_Valid_OddSize", PoolKind.Max, 1, 7, 5, 3, (2, 2), (2, 2), Padding.Valid),
        new("Max_2x2_Same_OddSize", PoolKind.Max, 3, 7, 13, 5, (2, 2), (2, 2), Padding.Same),
        new("Max_3x3_Stride2_Overlapping_Valid", PoolKind.Max, 1, 13, 13, 9, (3, 3), (2, 2), Padding.Valid),
        new("Max_3x3_Stride2_Overlapping_Same", PoolKind.Max, 3, 7, 7, 17, (3, 3), (2, 2), Padding.Same),
        new("Max_3x3_Stride1_Same", PoolKind.Max, 1, 5, 5, 2, (3, 3), (1, 1), Padding.Same),
        new("Max_1D_Pool3_Stride2_Same", PoolKind.Max, 3, 1, 13, 3, (1, 3), (1, 2), Padding.Same),
        new("Max_SizeOne", PoolKind.Max, 1, 1, 1, 3, (1, 1), (1, 1), Padding.Valid),
        new("Average_2x2_Valid", PoolKind.Average, 3, 6, 6, 4, (2, 2), (2, 2), Padding.Valid),
        new("Average_2x2_Same_OddSize", PoolKind.Average, 3, 7, 13, 5, (2, 2), (2, 2), Padding.Same),
        new("Average_3x3_Stride2_Overlapping_Same", PoolKind.Average, 3, 7, 7, 17, (3, 3), (2, 2), Padding.Same),
        new("Average_3x3_Stride1_Same", PoolKind.Average, 1, 5, 5, 2, (3, 3), (1, 1), Padding.Same),
        new("Average_5x5_Stride3_Same", PoolKind.Average, 1, 13, 7, 3, (5, 5), (3, 3), Padding.Same),
        new("Average_1D_Pool3_Stride2_Valid", PoolKind.Average, 3, 1, 13, 3, (1, 3), (1, 2), Padding.Valid),
    ];

    [TestCaseSource(nameof(Cases))]
    public void PoolForwardAndBackward_MatchFloat64Reference(Case c)
    {
        var rng = new Random(21);
        var x = ConvTestData.Random(rng, c.N * c.H * c.W * c.C);
        RunAndCompare(c, x, rng);
    }

    /// <summary>Values from {0, 1, 2} give many ties: the gradient must go to the first maximum in row-major window order only.</summary>
    [TestCaseSource(nameof(Cases))]
    public void PoolBackward_Ties_RouteToFirstMaximum(Case c)
    {
        var rng = new Random(22);
        var x = new double[c.N * c.H * c.W * c.C];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(3);
        RunAndCompare(c, x, rng);
    }

    private static void RunAndCompare(Case c, double[] x, Random rng)
    {
        var spec = c.Spec;
        int oh = spec.OutputHeight(c.H), ow = spec.OutputWidth(c.W);
        var dy = ConvTestData.Random(rng, c.N * oh * ow * c.C);
        using var tx = ConvTestData.Upload(Cpu, x, c.N, c.H, c.W, c.C);
        using var tdy = ConvTestData.Upload(Cpu, dy, c.N, oh, ow, c.C);
        using var ty = ConvTestData.Garbage(Cpu, c.N, oh, ow, c.C);
        using var tdx = ConvTestData.Garbage(Cpu, c.N, c.H, c.W, c.C);

        Cpu.PoolForward(tx, ty, spec);
        Cpu.PoolBackward(tx, ty, tdy, tdx, spec);

        ConvTestData.AssertClose(ty.ToArray(), ReferencePool.Forward(x, c.N, c.H, c.W, c.C, spec), $"PoolForward {c}", 1e-6, 1e-6);
        ConvTestData.AssertClose(tdx.ToArray(), ReferencePool.Backward(x, dy, c.N, c.H, c.W, c.C, spec), $"PoolBackward {c}", 1e-6, 1e-6);
    }

    [Test]
    public void PoolForward_AverageSame_ExcludesPaddingFromDivisor()
    {
        // 3×3 'same' average of all ones is 1 everywhere, corners included, only if padding is not counted.
        using var x = Tensor.Ones(new Shape(1, 4, 4, 2), backend: Cpu);
        using var y = ConvTestData.Garbage(Cpu, 1, 4, 4, 2);

        Cpu.PoolForward(x, y, PoolSpec.Create(PoolKind.Average, 4, 4, (3, 3), (1, 1), Padding.Same));

        Assert.That(y.ToArray(), Is.All.EqualTo(1f));
    }

    [Test]
    public void PoolForward_WrongOutputShape_NamesBothShapes()
    {
        using var x = Tensor.Zeros(new Shape(2, 6, 6, 3), backend: Cpu);
        using var y = Tensor.Zeros(new Shape(2, 2, 2, 3), backend: Cpu);

        var e = Assert.Throws<ShapeMismatchException>(() => Cpu.PoolForward(x, y, PoolSpec.Create(PoolKind.Max, 6, 6, (2, 2), (2, 2), Padding.Valid)));

        Assert.That(e!.Message, Does.Contain("PoolForward").And.Contain("(2, 6, 6, 3)").And.Contain("(2, 3, 3, 3)").And.Contain("(2, 2, 2, 3)"));
    }

    [Test]
    public void PoolBackward_DxShapeDiffersFromX_Throws()
    {
        using var x = Tensor.Zeros(new Shape(1, 4, 4, 3), backend: Cpu);
        using var y = Tensor.Zeros(new Shape(1, 2, 2, 3), backend: Cpu);
        using var dy = Tensor.Zeros(new Shape(1, 2, 2, 3), backend: Cpu);
        using var dx = Tensor.Zeros(new Shape(1, 4, 4, 2), backend: Cpu);

        var e = Assert.Throws<ShapeMismatchException>(() => Cpu.PoolBackward(x, y, dy, dx, PoolSpec.Create(PoolKind.Max, 4, 4, (2, 2), (2, 2), Padding.Valid)));

        Assert.That(e!.Message, Does.Contain("(1, 4, 4, 2)").And.Contain("(1, 4, 4, 3)"));
    }
}
