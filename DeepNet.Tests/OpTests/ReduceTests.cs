using DeepNet.Memory;
using DeepNet.Tests.Autograd;
using static DeepNet.Tests.Autograd.Float64;

namespace DeepNet.Tests.OpTests;

public class ReduceTests
{
    private static readonly int[] Shape3 = [3, 4, 5];

    private static void CheckReduce(string name, Func<Tensor, int[]?, bool, Tensor> op, Func<List<double>, double> f,
        int[] shape, int[]? axes, bool keepDims, double[]? input = null)
    {
        int[] all = Enumerable.Range(0, shape.Length).ToArray();
        GradientCheck.Check($"{name} axes=({string.Join(",", axes ?? all)}) keepDims={keepDims}",
            x =>
            {
                var y = op(x[0], axes, keepDims);
                var expectedDims = new List<int>();
                var reduced = (axes ?? all).Select(a => a < 0 ? a + shape.Length : a).ToHashSet();
                for (int i = 0; i < shape.Length; i++)
                {
                    if (!reduced.Contains(i)) expectedDims.Add(shape[i]);
                    else if (keepDims) expectedDims.Add(1);
                }
                Assert.That(y.Shape, Is.EqualTo(new Shape(expectedDims.ToArray())), $"{name} output shape");
                return y;
            },
            x => Reduce(x[0], shape, (axes ?? all).Select(a => a < 0 ? a + shape.Length : a).ToArray(), f),
            [new Shape(shape)], input is null ? null : [input]);
    }

    [Test]
    public void Sum_VariousAxes_MatchesFiniteDifferences()
    {
        CheckReduce("Sum", (x, a, k) => DeepNet.Ops.Sum(x, a, k), g => g.Sum(), Shape3, null, false);
        CheckReduce("Sum", (x, a, k) => DeepNet.Ops.Sum(x, a, k), g => g.Sum(), Shape3, [1], true);
        CheckReduce("Sum", (x, a, k) => DeepNet.Ops.Sum(x, a, k), g => g.Sum(), Shape3, [0, -1], false);
        CheckReduce("Sum", (x, a, k) => DeepNet.Ops.Sum(x, a, k), g => g.Sum(), [1, 7], [0], false);
    }

    [Test]
    public void Mean_VariousAxes_MatchesFiniteDifferences()
    {
        CheckReduce("Mean", (x, a, k) => DeepNet.Ops.Mean(x, a, k), g => g.Average(), Shape3, null, true);
        CheckReduce("Mean", (x, a, k) => DeepNet.Ops.Mean(x, a, k), g => g.Average(), Shape3, [2], false);
        CheckReduce("Mean", (x, a, k) => DeepNet.Ops.Mean(x, a, k), g => g.Average(), Shape3, [0, 1], true);
    }

    [Test]
    public void MaxMin_DistinctValues_GradientGoesToTheExtreme()
    {
        CheckReduce("Max", (x, a, k) => DeepNet.Ops.Max(x, a, k), g => g.Max(), Shape3, [1], false);
        CheckReduce("Max", (x, a, k) => DeepNet.Ops.Max(x, a, k), g => g.Max(), Shape3, null, false);
        CheckReduce("Min", (x, a, k) => DeepNet.Ops.Min(x, a, k), g => g.Min(), Shape3, [0, 2], true);
    }

    [Test]
    public void Max_TiedValues_SharesGradientEqually()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray(new float[] { 1, 3, 3, 2, 0, 5 }, new Shape(2, 3));
        using var tape = new DeepNet.Autograd.GradientTape();
        var y = DeepNet.Ops.Max(x, [1]);
        Assert.That(y.ToArray(), Is.EqualTo(new float[] { 3, 5 }));
        Assert.That(tape.Gradient(y, x)[0].ToArray(), Is.EqualTo(new float[] { 0, 0.5f, 0.5f, 0, 0, 1 }));
    }

    [Test]
    public void Prod_NonZeroInputs_MatchesFiniteDifferences()
    {
        var input = GradientCheck.AwayFromZero(new Random(2), 60, 0.5, 1.5);
        CheckReduce("Prod", (x, a, k) => DeepNet.Ops.Prod(x, a, k), g => g.Aggregate(1.0, (p, v) => p * v), Shape3, [1], false, input);
    }

    [Test]
    public void ArgMaxArgMin_ReturnIndicesAlongAxis()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray(new float[] { 1, 7, 3, 9, 2, 4 }, new Shape(2, 3));
        var am = DeepNet.Ops.ArgMax(x, 1);
        Assert.That(am.DType, Is.EqualTo(DType.Int32));
        Assert.That(am.ToArray<int>(), Is.EqualTo(new[] { 1, 0 }));
        Assert.That(DeepNet.Ops.ArgMax(x, 0).ToArray<int>(), Is.EqualTo(new[] { 1, 0, 1 }));
        Assert.That(DeepNet.Ops.ArgMin(x, -1).ToArray<int>(), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(DeepNet.Ops.ArgMax(x, 1, DType.Int64).ToArray<long>(), Is.EqualTo(new long[] { 1, 0 }));
    }

    [Test]
    public void Sum_AxisOutOfRange_ThrowsNamingShape()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(2, 3));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DeepNet.Ops.Sum(x, [2]));
        Assert.That(e!.Message, Does.Contain("Sum").And.Contain("(2, 3)"));
    }
}
