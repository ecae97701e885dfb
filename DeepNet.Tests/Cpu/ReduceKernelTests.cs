using DeepNet.Backends;
using DeepNet.Backends.Cpu;
using DeepNet.Backends.Cpu.Reference;
using static DeepNet.Tests.Cpu.ElementwiseTestSupport;

namespace DeepNet.Tests.Cpu;

public class ReduceKernelTests
{
    private static readonly int[][] Shapes = [[7], [1], [3, 5], [5, 1], [2, 3, 4], [4, 1, 6], [2, 3, 4, 5], [3, 1, 2, 1, 4], [70, 33]];

    private static IEnumerable<TestCaseData> Ops() => Enum.GetValues<ReduceOp>().Select(op => new TestCaseData(op));

    private static float[] Inputs(ReduceOp op, long n, int seed) =>
        op == ReduceOp.Prod ? Uniform(n, seed, 0.7, 1.4) : Uniform(n, seed, -10, 10);

    [TestCaseSource(nameof(Ops))]
    public void Reduce_EverySubsetOfAxes_MatchesFloat64Reference(ReduceOp op)
    {
        int seed = 0;
        foreach (var shape in Shapes)
        {
            int rank = shape.Length;
            var data = Inputs(op, SizeOf(shape), ++seed);
            using var x = Make(data, shape);
            for (int mask = 0; mask < 1 << rank; mask++)
            {
                // Every subset, written with negative axes on odd masks.
                var axes = Enumerable.Range(0, rank).Where(a => (mask >> a & 1) != 0).Select(a => mask % 2 == 1 ? a - rank : a).ToArray();
                var outShape = (int[])shape.Clone();
                foreach (int a in axes) outShape[a < 0 ? a + rank : a] = 1;
                using var y = Tensor.Empty(new Shape(outShape), backend: Kernels);
                Kernels.Reduce(op, x, axes, y);
                var expected = ReferenceReduce.Reduce(op, ToDouble(data), shape, axes);
                AssertClose(y.ToArray(), expected, 1e-5, 1e-5, $"{op} {Format(shape)} axes ({string.Join(", ", axes)})");
            }
        }
    }

    private static readonly (int[] Shape, int[] Axes)[] LargeCases =
    [
        ([1_000_000], [0]),            // one long row, split over fixed pieces
        ([400, 1000], [0, 1]),
        ([50_000, 10], [0]),           // leading axis: rows accumulated into a float partial, flushed to double
        ([10, 50_000], [1]),           // last axis: per-row sums
        ([20, 300, 17], [0, 2]),
        ([3, 25_000, 2], [1]),
    ];

    private static readonly (int[] Shape, int[] Axes)[] LargeCasesNoAccumulation = [([300_000], [0]), ([50_000, 10], [0]), ([3, 25_000, 2], [1])];

    [TestCaseSource(nameof(Ops))]
    public void Reduce_LargeSizes_AccurateAgainstFloat64Reference(ReduceOp op)
    {
        // Max, min and product have no accumulation error to expose; smaller cases cover their parallel paths.
        var cases = op is ReduceOp.Sum or ReduceOp.Mean ? LargeCases : LargeCasesNoAccumulation;
        foreach (var (shape, axes) in cases)
        {
            // Positive data makes sums large, so float accumulation error would show; products stay near 1.
            var data = op == ReduceOp.Prod ? Uniform(SizeOf(shape), 3, 0.99999, 1.00001) : Uniform(SizeOf(shape), 3, 0, 1);
            using var x = Make(data, shape);
            var outShape = (int[])shape.Clone();
            foreach (int a in axes) outShape[a] = 1;
            using var y = Tensor.Empty(new Shape(outShape), backend: Kernels);
            Kernels.Reduce(op, x, axes, y);
            var expected = ReferenceReduce.Reduce(op, ToDouble(data), shape, axes);
            AssertClose(y.ToArray(), expected, 0, 1e-6, $"{op} {Format(shape)} axes ({string.Join(", ", axes)})");
        }
    }

    [Test]
    public void Reduce_Sum_SameBitsForAnyThreadCount()
    {
        var data = Uniform(600_000, 8, -1, 1);
        foreach (var (shape, axes) in new (int[], int[])[] { ([600_000], [0]), ([60_000, 10], [0]), ([10, 60_000], [1]), ([300, 2000], [0, 1]) })
        {
            float[]? first = null;
            foreach (int threads in new[] { 1, 2, 3, 8 })
            {
                using var backend = new CpuBackend(threads: threads);
                using var x = Tensor.FromArray(data, new Shape(shape), backend);
                var outShape = (int[])shape.Clone();
                foreach (int a in axes) outShape[a] = 1;
                using var y = Tensor.Empty(new Shape(outShape), backend: backend);
                backend.Reduce(ReduceOp.Sum, x, axes, y);
                var result = y.ToArray();
                if (first is null) first = result;
                else Assert.That(result, Is.EqualTo(first), $"{Format(shape)} with {threads} threads");
            }
        }
    }

    [TestCaseSource(nameof(Ops))]
    public void Reduce_NaNAndInfinities_MatchFloat64Reference(ReduceOp op)
    {
        float[] data = [1, float.NaN, 2, 3, float.PositiveInfinity, 4, float.NegativeInfinity, 5, 6, 7, 8, 9];
        using var x = Make(data, 3, 4);
        foreach (var axes in new[] { new[] { 0 }, new[] { 1 }, new[] { 0, 1 } })
        {
            var outShape = new[] { axes.Contains(0) ? 1 : 3, axes.Contains(1) ? 1 : 4 };
            using var y = Tensor.Empty(new Shape(outShape), backend: Kernels);
            Kernels.Reduce(op, x, axes, y);
            AssertClose(y.ToArray(), ReferenceReduce.Reduce(op, ToDouble(data), [3, 4], axes), 1e-6, 1e-6, $"{op} special axes ({string.Join(", ", axes)})");
        }
    }

    [TestCaseSource(nameof(Ops))]
    public void Reduce_OverZeroElements_GivesIdentityLikeReference(ReduceOp op)
    {
        using var x = Tensor.Empty(new Shape(3, 0), backend: Kernels);
        using var y = Tensor.Empty(new Shape(3, 1), backend: Kernels);
        Kernels.Reduce(op, x, [1], y);
        AssertClose(y.ToArray(), ReferenceReduce.Reduce(op, [], [3, 0], [1]), 0, 0, $"{op} over an empty axis");
    }

    [Test]
    public void Reduce_WrongOutputShape_ThrowsNamingShapes()
    {
        using var x = Tensor.Zeros(new Shape(2, 3, 4), backend: Kernels);
        using var y = Tensor.Zeros(new Shape(2, 4), backend: Kernels);
        var e = Assert.Throws<ShapeMismatchException>(() => Kernels.Reduce(ReduceOp.Sum, x, [1], y));
        Assert.That(e!.Message, Does.Contain("Sum").And.Contain("(2, 3, 4)").And.Contain("(2, 1, 4)").And.Contain("(2, 4)"));
    }

    [Test]
    public void Reduce_BadAxes_Throw()
    {
        using var x = Tensor.Zeros(new Shape(2, 3), backend: Kernels);
        using var y = Tensor.Zeros(new Shape(1, 1), backend: Kernels);
        Assert.Throws<ArgumentException>(() => Kernels.Reduce(ReduceOp.Max, x, [0, -2], y));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.Reduce(ReduceOp.Max, x, [2], y));
    }

    // ---- argmax ------------------------------------------------------------------------------

    private static readonly (int[] Shape, int Axis)[] ArgMaxCases =
    [
        ([7], 0), ([1], 0), ([3, 5], 1), ([3, 5], 0), ([3, 5], -1), ([2, 3, 4], 1), ([2, 3, 4], -3), ([4, 1, 6], 2), ([70, 33], 0), ([300, 257], 1),
    ];

    [TestCase(DType.Int32)]
    [TestCase(DType.Int64)]
    public void ArgMax_WithTies_FirstOccurrenceLikeReference(DType dtype)
    {
        int seed = 0;
        foreach (var (shape, axis) in ArgMaxCases)
        {
            // Values from {0, 1, 2, 3}: many ties.
            var data = Uniform(SizeOf(shape), ++seed, 0, 4);
            for (int i = 0; i < data.Length; i++) data[i] = MathF.Floor(data[i]);
            using var x = Make(data, shape);
            int a = axis < 0 ? axis + shape.Length : axis;
            var outShape = shape.Where((_, k) => k != a).ToArray();
            using var indices = Tensor.Empty(new Shape(outShape), dtype, Kernels);
            Kernels.ArgMax(x, axis, indices);
            var actual = dtype == DType.Int32 ? indices.ToArray<int>().Select(v => (long)v).ToArray() : indices.ToArray<long>();
            Assert.That(actual, Is.EqualTo(ReferenceReduce.ArgMax(ToDouble(data), shape, axis)), $"argmax {Format(shape)} axis {axis}");
        }
    }

    [Test]
    public void ArgMax_NaN_FirstNaNWinsLikeNumpy()
    {
        float[] data = [1, 5, float.NaN, 7, float.NaN, /* row 2 */ float.NaN, 1, 2, 3, 4, /* row 3 */ 9, 9, 1, 9, 0];
        using var x = Make(data, 3, 5);
        using var indices = Tensor.Empty(new Shape(3), DType.Int64, Kernels);
        Kernels.ArgMax(x, 1, indices);
        Assert.That(indices.ToArray<long>(), Is.EqualTo(ReferenceReduce.ArgMax(ToDouble(data), [3, 5], 1)));
        Assert.That(indices.ToArray<long>(), Is.EqualTo(new long[] { 2, 0, 0 }));
    }

    [Test]
    public void ArgMax_BadIndices_Throw()
    {
        using var x = Tensor.Zeros(new Shape(2, 3), backend: Kernels);
        using var wrongType = Tensor.Zeros(new Shape(2), DType.Float32, Kernels);
        Assert.Throws<ArgumentException>(() => Kernels.ArgMax(x, 1, wrongType));
        using var wrongShape = Tensor.Zeros(new Shape(3), DType.Int32, Kernels);
        var e = Assert.Throws<ShapeMismatchException>(() => Kernels.ArgMax(x, 1, wrongShape));
        Assert.That(e!.Message, Does.Contain("ArgMax").And.Contain("(2, 3)").And.Contain("(2,)").And.Contain("(3,)"));
    }
}
