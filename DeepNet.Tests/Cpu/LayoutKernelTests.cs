using DeepNet.Backends.Cpu;
using DeepNet.Backends.Cpu.Reference;

namespace DeepNet.Tests.Cpu;

/// <summary>
/// Concat, Slice, Pad, Transpose and Tile of the CPU backend against <see cref="ReferenceLayout"/>
/// on random shapes (rank 1–5, size-1 and odd dimensions, negative axes), for every dtype. Layout
/// ops only move values, so results must match exactly.
/// </summary>
public class LayoutKernelTests
{
    private static readonly DType[] AllDTypes = [DType.Float32, DType.Int32, DType.Int64];
    private CpuBackend _cpu = null!;

    [SetUp]
    public void SetUp() => _cpu = new CpuBackend(threads: 2);

    [Test]
    public void Concat_RandomShapes_MatchesReference([ValueSource(nameof(AllDTypes))] DType dtype)
    {
        var rng = new Random(1);
        for (int trial = 0; trial < 25; trial++)
        {
            int rank = rng.Next(1, 6);
            int[] baseShape = RandomShape(rng, rank);
            int axis = rng.Next(-rank, rank), a = axis < 0 ? axis + rank : axis;
            int count = rng.Next(1, 5);
            var shapes = new int[count][];
            var data = new double[count][];
            var inputs = new Tensor[count];
            for (int k = 0; k < count; k++)
            {
                shapes[k] = (int[])baseShape.Clone();
                shapes[k][a] = rng.Next(0, 5); // an empty input along the axis is allowed
                data[k] = RandomValues(rng, ReferenceLayout.Size(shapes[k]), dtype);
                inputs[k] = MakeTensor(data[k], shapes[k], dtype);
            }
            var expected = ReferenceLayout.Concat(data, shapes, axis, out var yShape);
            using var y = Tensor.Empty(new Shape(yShape), dtype, _cpu);
            _cpu.Concat(inputs, axis, y);
            AssertExact(expected, ToDoubles(y), $"Concat of {string.Join(", ", shapes.Select(s => new Shape(s)))} along {axis}");
            foreach (var t in inputs) t.Dispose();
        }
    }

    [Test]
    public void Concat_MismatchedOtherAxis_ThrowsNamingShapes()
    {
        using var a = Tensor.Zeros(new Shape(2, 3), backend: _cpu);
        using var b = Tensor.Zeros(new Shape(2, 4), backend: _cpu);
        using var y = Tensor.Empty(new Shape(4, 3), DType.Float32, _cpu);
        var e = Assert.Throws<ShapeMismatchException>(() => _cpu.Concat([a, b], 0, y));
        Assert.That(e!.Message, Does.StartWith("Concat:").And.Contain("(2, 4)").And.Contain("(4, 3)"));
    }

    [Test]
    public void Concat_WrongTotal_ThrowsNamingShapes()
    {
        using var a = Tensor.Zeros(new Shape(2, 3), backend: _cpu);
        using var y = Tensor.Empty(new Shape(2, 5), DType.Float32, _cpu);
        var e = Assert.Throws<ShapeMismatchException>(() => _cpu.Concat([a, a], -1, y));
        Assert.That(e!.Message, Does.StartWith("Concat:").And.Contain("(2, 3)").And.Contain("(2, 5)"));
    }

    [Test]
    public void Slice_RandomShapes_MatchesReference([ValueSource(nameof(AllDTypes))] DType dtype)
    {
        var rng = new Random(2);
        for (int trial = 0; trial < 30; trial++)
        {
            int rank = rng.Next(1, 6);
            int[] xShape = RandomShape(rng, rank, max: 7);
            var begin = new int[rank];
            var size = new int[rank];
            for (int d = 0; d < rank; d++)
            {
                // Often the full axis, so the contiguous-run merging is exercised too.
                if (rng.Next(3) == 0) size[d] = xShape[d];
                else
                {
                    begin[d] = rng.Next(0, xShape[d]);
                    size[d] = rng.Next(1, xShape[d] - begin[d] + 1);
                }
            }
            var x = RandomValues(rng, ReferenceLayout.Size(xShape), dtype);
            using var xt = MakeTensor(x, xShape, dtype);
            using var y = Tensor.Empty(new Shape(size), dtype, _cpu);
            _cpu.Slice(xt, begin, y);
            AssertExact(ReferenceLayout.Slice(x, xShape, begin, size), ToDoubles(y),
                $"Slice of {new Shape(xShape)} at {new Shape(begin)} size {new Shape(size)}");
        }
    }

    [Test]
    public void Slice_BeyondEnd_ThrowsShapeMismatch()
    {
        using var x = Tensor.Zeros(new Shape(4, 5), backend: _cpu);
        using var y = Tensor.Empty(new Shape(2, 3), DType.Float32, _cpu);
        var e = Assert.Throws<ShapeMismatchException>(() => _cpu.Slice(x, [1, 3], y));
        Assert.That(e!.Message, Does.StartWith("Slice:").And.Contain("(4, 5)").And.Contain("(2, 3)").And.Contain("(1, 3)"));
        Assert.Throws<ShapeMismatchException>(() => _cpu.Slice(x, [-1, 0], y));
        Assert.Throws<ShapeMismatchException>(() => _cpu.Slice(x, [0], y));
    }

    [Test]
    public void Pad_RandomShapes_MatchesReference([ValueSource(nameof(AllDTypes))] DType dtype)
    {
        var rng = new Random(3);
        for (int trial = 0; trial < 30; trial++)
        {
            int rank = rng.Next(1, 6);
            int[] xShape = RandomShape(rng, rank);
            var before = new int[rank];
            var yShape = new int[rank];
            for (int d = 0; d < rank; d++)
            {
                before[d] = rng.Next(0, 3);
                yShape[d] = xShape[d] + before[d] + rng.Next(0, 3);
            }
            float value = dtype == DType.Float32 ? -2.5f : 7f;
            var x = RandomValues(rng, ReferenceLayout.Size(xShape), dtype);
            using var xt = MakeTensor(x, xShape, dtype);
            using var y = Tensor.Empty(new Shape(yShape), dtype, _cpu);
            _cpu.Pad(xt, before, value, y);
            AssertExact(ReferenceLayout.Pad(x, xShape, before, yShape, value), ToDoubles(y),
                $"Pad of {new Shape(xShape)} before {new Shape(before)} to {new Shape(yShape)}");
        }
    }

    [Test]
    public void Pad_OutputTooSmall_ThrowsShapeMismatch()
    {
        using var x = Tensor.Zeros(new Shape(3, 3), backend: _cpu);
        using var y = Tensor.Empty(new Shape(4, 4), DType.Float32, _cpu);
        var e = Assert.Throws<ShapeMismatchException>(() => _cpu.Pad(x, [2, 0], 0f, y));
        Assert.That(e!.Message, Does.StartWith("Pad:").And.Contain("(3, 3)").And.Contain("(4, 4)"));
    }

    [Test]
    public void Transpose_RandomShapesAndPermutations_MatchesReference([ValueSource(nameof(AllDTypes))] DType dtype)
    {
        var rng = new Random(4);
        for (int trial = 0; trial < 40; trial++)
        {
            int rank = rng.Next(1, 6);
            int[] xShape = RandomShape(rng, rank);
            int[] perm = Enumerable.Range(0, rank).OrderBy(_ => rng.Next()).ToArray();
            CheckTranspose(rng, xShape, perm, dtype);
        }
    }

    // The fast paths: blocked 2-D (sizes not multiples of the tile), batched 2-D, NHWC→NCHW
    // (merges to batched 2-D), last axis kept (row copies), size-1 axes dropped, tiled general
    // permutations spanning several tiles, identity.
    [TestCase(new[] { 67, 131 }, new[] { 1, 0 })]
    [TestCase(new[] { 1, 33 }, new[] { 1, 0 })]
    [TestCase(new[] { 3, 37, 45 }, new[] { 0, 2, 1 })]
    [TestCase(new[] { 2, 5, 7, 3 }, new[] { 0, 3, 1, 2 })]
    [TestCase(new[] { 2, 3, 5, 7 }, new[] { 2, 0, 1, 3 })]
    [TestCase(new[] { 4, 1, 6, 1, 5 }, new[] { 4, 3, 2, 1, 0 })]
    [TestCase(new[] { 34, 3, 5, 37 }, new[] { 3, 1, 2, 0 })]
    [TestCase(new[] { 33, 4, 35 }, new[] { 2, 1, 0 })]
    [TestCase(new[] { 3, 4, 5 }, new[] { 0, 1, 2 })]
    [TestCase(new[] { 5 }, new[] { 0 })]
    public void Transpose_FastPathShapes_MatchReference(int[] xShape, int[] perm)
    {
        var rng = new Random(5);
        foreach (var dtype in AllDTypes) CheckTranspose(rng, xShape, perm, dtype);
    }

    [Test]
    public void Transpose_LargeMatrix_SameOnOneAndTwoThreadsAndMatchesReference()
    {
        int[] shape = [601, 700]; // above the parallel threshold
        var rng = new Random(6);
        var x = RandomValues(rng, ReferenceLayout.Size(shape), DType.Float32);
        using var xt = MakeTensor(x, shape, DType.Float32);
        using var one = Tensor.Empty(new Shape(700, 601), DType.Float32, _cpu);
        using var two = Tensor.Empty(new Shape(700, 601), DType.Float32, _cpu);
        new CpuBackend(threads: 1).Transpose(xt, [1, 0], one);
        new CpuBackend(threads: 2).Transpose(xt, [1, 0], two);
        var expected = ReferenceLayout.Transpose(x, shape, [1, 0], out _);
        AssertExact(expected, ToDoubles(one), "Transpose (601, 700) on one thread");
        AssertExact(expected, ToDoubles(two), "Transpose (601, 700) on two threads");
    }

    [Test]
    public void Transpose_Scalar_CopiesValue()
    {
        using var x = Tensor.Scalar(3.5f, _cpu);
        using var y = Tensor.Empty(Shape.Scalar, DType.Float32, _cpu);
        _cpu.Transpose(x, [], y);
        Assert.That(y.ToScalar(), Is.EqualTo(3.5f));
    }

    [Test]
    public void Transpose_NotAPermutation_Throws()
    {
        using var x = Tensor.Zeros(new Shape(2, 3), backend: _cpu);
        using var y = Tensor.Empty(new Shape(3, 2), DType.Float32, _cpu);
        var e = Assert.Throws<ArgumentException>(() => _cpu.Transpose(x, [0, 0], y));
        Assert.That(e!.Message, Does.StartWith("Transpose:").And.Contain("(0, 0)"));
        var s = Assert.Throws<ShapeMismatchException>(() => _cpu.Transpose(x, [0, 1], y));
        Assert.That(s!.Message, Does.Contain("(2, 3)").And.Contain("(3, 2)"));
    }

    [Test]
    public void Tile_RandomShapes_MatchesReference([ValueSource(nameof(AllDTypes))] DType dtype)
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 30; trial++)
        {
            int rank = rng.Next(1, 6);
            int[] xShape = RandomShape(rng, rank, max: 4);
            int[] yShape = xShape.Select(d => d * rng.Next(1, 4)).ToArray();
            var x = RandomValues(rng, ReferenceLayout.Size(xShape), dtype);
            using var xt = MakeTensor(x, xShape, dtype);
            using var y = Tensor.Empty(new Shape(yShape), dtype, _cpu);
            _cpu.Tile(xt, y);
            AssertExact(ReferenceLayout.Tile(x, xShape, yShape), ToDoubles(y), $"Tile {new Shape(xShape)} to {new Shape(yShape)}");
        }
    }

    [Test]
    public void Tile_NotWholeRepeats_ThrowsNamingShapes()
    {
        using var x = Tensor.Zeros(new Shape(2, 3), backend: _cpu);
        using var y = Tensor.Empty(new Shape(4, 7), DType.Float32, _cpu);
        var e = Assert.Throws<ShapeMismatchException>(() => _cpu.Tile(x, y));
        Assert.That(e!.Message, Does.StartWith("Tile:").And.Contain("(2, 3)").And.Contain("(4, 7)"));
    }

    [Test]
    public void Layout_DifferentDTypes_Throws()
    {
        using var x = Tensor.Zeros(new Shape(2, 3), backend: _cpu);
        using var y = Tensor.Empty(new Shape(2, 3), DType.Int32, _cpu);
        var e = Assert.Throws<ArgumentException>(() => _cpu.Slice(x, [0, 0], y));
        Assert.That(e!.Message, Does.StartWith("Slice:").And.Contain("float32").And.Contain("int32"));
    }

    private void CheckTranspose(Random rng, int[] xShape, int[] perm, DType dtype)
    {
        var x = RandomValues(rng, ReferenceLayout.Size(xShape), dtype);
        var expected = ReferenceLayout.Transpose(x, xShape, perm, out var yShape);
        using var xt = MakeTensor(x, xShape, dtype);
        using var y = Tensor.Empty(new Shape(yShape), dtype, _cpu);
        _cpu.Transpose(xt, perm, y);
        AssertExact(expected, ToDoubles(y), $"Transpose {dtype.Name()}{new Shape(xShape)} by {new Shape(perm)}");
    }

    // ---- helpers, also used by IndexingKernelTests ---------------------------------------------

    internal static int[] RandomShape(Random rng, int rank, int max = 6)
    {
        var shape = new int[rank];
        for (int d = 0; d < rank; d++) shape[d] = rng.Next(4) == 0 ? 1 : rng.Next(1, max + 1);
        return shape;
    }

    /// <summary>Values exactly representable in the dtype (and in float64).</summary>
    internal static double[] RandomValues(Random rng, long n, DType dtype)
    {
        var v = new double[n];
        for (long i = 0; i < n; i++)
        {
            v[i] = dtype switch
            {
                DType.Float32 => (float)(rng.NextDouble() * 4 - 2),
                DType.Int32 => rng.Next(-100_000, 100_000),
                _ => rng.NextInt64(-(1L << 40), 1L << 40),
            };
        }
        return v;
    }

    private Tensor MakeTensor(double[] data, int[] shape, DType dtype) => MakeTensor(data, shape, dtype, _cpu);

    internal static Tensor MakeTensor(double[] data, int[] shape, DType dtype, CpuBackend backend) => dtype switch
    {
        DType.Float32 => Tensor.FromArray(data.Select(v => (float)v).ToArray(), new Shape(shape), backend),
        DType.Int32 => Tensor.FromArray(data.Select(v => (int)v).ToArray(), new Shape(shape), backend),
        _ => Tensor.FromArray(data.Select(v => (long)v).ToArray(), new Shape(shape), backend),
    };

    internal static double[] ToDoubles(Tensor t) => t.DType switch
    {
        DType.Float32 => t.ToArray<float>().Select(v => (double)v).ToArray(),
        DType.Int32 => t.ToArray<int>().Select(v => (double)v).ToArray(),
        _ => t.ToArray<long>().Select(v => (double)v).ToArray(),
    };

    internal static void AssertExact(double[] expected, double[] actual, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: element count");
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i]) Assert.Fail($"{what}: element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
