using DeepNet.Backends;
using DeepNet.Memory;
using DeepNet.Tests.Autograd;

namespace DeepNet.Tests.OpTests;

public class IndexingTests
{
    [Test]
    public void Gather_Axis0RepeatedIndices_GradientAccumulates()
    {
        int[] ids = [2, 0, 2, 3, 2];
        GradientCheck.Check("Gather axis 0",
            x =>
            {
                var indices = Tensor.FromArray(ids, new Shape(5), Backend.Cpu);
                return DeepNet.Ops.Gather(x[0], indices, 0);
            },
            x => Float64.Gather([5, 3], idx => Float64.At(x[0], [4, 3], [ids[idx[0]], idx[1]])),
            [new Shape(4, 3)]);
    }

    [Test]
    public void Gather_Axis1WithMatrixOfIndices_MatchesFiniteDifferences()
    {
        long[] ids = [1, 1, 0, 3];
        GradientCheck.Check("Gather axis 1 int64",
            x =>
            {
                var indices = Tensor.FromArray(ids, new Shape(2, 2), Backend.Cpu);
                return DeepNet.Ops.Gather(x[0], indices, 1);
            },
            x => Float64.Gather([2, 2, 2, 3], idx => Float64.At(x[0], [2, 4, 3], [idx[0], (int)ids[idx[1] * 2 + idx[2]], idx[3]])),
            [new Shape(2, 4, 3)]);
    }

    [Test]
    public void Gather_FloatIndices_Throws()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(3, 2));
        var e = Assert.Throws<ArgumentException>(() => DeepNet.Ops.Gather(x, Tensor.Zeros(new Shape(2)), 0));
        Assert.That(e!.Message, Does.StartWith("Gather:"));
    }

    [Test]
    public void OneHot_ProducesRowsWithSingleOne()
    {
        using var scope = TensorScope.Begin();
        var labels = Tensor.FromArray(new[] { 2, 0, 1, 2 }, new Shape(2, 2));
        var oneHot = DeepNet.Ops.OneHot(labels, 3);
        Assert.That(oneHot.Shape, Is.EqualTo(new Shape(2, 2, 3)));
        Assert.That(oneHot.ToArray(), Is.EqualTo(new float[] { 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1 }));
    }

    [Test]
    public void Arange_CountsFromZero()
    {
        using var scope = TensorScope.Begin();
        Assert.That(DeepNet.Ops.Arange(4).ToArray(), Is.EqualTo(new float[] { 0, 1, 2, 3 }));
    }
}
