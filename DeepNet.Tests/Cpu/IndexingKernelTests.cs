using DeepNet.Backends.Cpu;
using DeepNet.Backends.Cpu.Reference;
using static DeepNet.Tests.Cpu.LayoutKernelTests;

namespace DeepNet.Tests.Cpu;

/// <summary>
/// Gather and ScatterAdd of the CPU backend against <see cref="ReferenceLayout"/> on random shapes
/// (rank 1–4 data, rank 0–2 indices, negative axes, repeated indices), for every dtype and both
/// index types; plus out-of-range indices, shape errors, and determinism across thread counts.
/// </summary>
public class IndexingKernelTests
{
    private static readonly DType[] AllDTypes = [DType.Float32, DType.Int32, DType.Int64];
    private static readonly DType[] IndexDTypes = [DType.Int32, DType.Int64];
    private CpuBackend _cpu = null!;

    [SetUp]
    public void SetUp() => _cpu = new CpuBackend(threads: 2);

    [Test]
    public void Gather_RandomShapes_MatchesReference(
        [ValueSource(nameof(AllDTypes))] DType dtype, [ValueSource(nameof(IndexDTypes))] DType indexType)
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 25; trial++)
        {
            int rank = rng.Next(1, 5);
            int[] xShape = RandomShape(rng, rank);
            int axis = rng.Next(-rank, rank), axisDim = xShape[axis < 0 ? axis + rank : axis];
            int[] indicesShape = RandomShape(rng, rng.Next(0, 3), max: 4);
            var indices = RandomIndices(rng, indicesShape, axisDim);
            var x = RandomValues(rng, ReferenceLayout.Size(xShape), dtype);
            var expected = ReferenceLayout.Gather(x, xShape, indices, indicesShape, axis, out var yShape);
            using var xt = MakeTensor(x, xShape, dtype, _cpu);
            using var it = MakeTensor(indices.Select(i => (double)i).ToArray(), indicesShape, indexType, _cpu);
            using var y = Tensor.Empty(new Shape(yShape), dtype, _cpu);
            _cpu.Gather(xt, it, axis, y);
            AssertExact(expected, ToDoubles(y), $"Gather {new Shape(xShape)} by {new Shape(indicesShape)} along {axis}");
        }
    }

    [Test]
    public void Gather_EmbeddingLookupLarge_SameOnOneAndTwoThreadsAndMatchesReference()
    {
        // Embedding (vocabulary 500, width 300) looked up by a (24, 40) batch: 288,000 gathered
        // values, above the parallel threshold.
        int[] table = [500, 300], indicesShape = [24, 40];
        var rng = new Random(12);
        var x = RandomValues(rng, ReferenceLayout.Size(table), DType.Float32);
        var indices = RandomIndices(rng, indicesShape, table[0]);
        var expected = ReferenceLayout.Gather(x, table, indices, indicesShape, 0, out var yShape);
        using var xt = MakeTensor(x, table, DType.Float32, _cpu);
        using var it = MakeTensor(indices.Select(i => (double)i).ToArray(), indicesShape, DType.Int32, _cpu);
        foreach (int threads in new[] { 1, 2 })
        {
            using var y = Tensor.Empty(new Shape(yShape), DType.Float32, _cpu);
            new CpuBackend(threads: threads).Gather(xt, it, 0, y);
            AssertExact(expected, ToDoubles(y), $"Gather embedding on {threads} thread(s)");
        }
    }

    [TestCase(10L)]
    [TestCase(-1L)]
    [TestCase(1L << 40)]
    public void Gather_IndexOutOfRange_ThrowsNamingValueAndRange(long bad)
    {
        using var x = Tensor.Zeros(new Shape(10, 4), backend: _cpu);
        using var indices = Tensor.FromArray(new long[] { 3, bad, 0 }, backend: _cpu);
        using var y = Tensor.Empty(new Shape(3, 4), DType.Float32, _cpu);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _cpu.Gather(x, indices, 0, y));
        Assert.That(e!.Message, Does.StartWith("Gather:").And.Contain($"index {bad}").And.Contain("[0, 10)").And.Contain("(10, 4)"));
    }

    [Test]
    public void Gather_WrongOutputShape_ThrowsNamingShapes()
    {
        using var x = Tensor.Zeros(new Shape(5, 4), backend: _cpu);
        using var indices = Tensor.FromArray(new[] { 1, 2 }, new Shape(1, 2), _cpu);
        using var y = Tensor.Empty(new Shape(2, 4), DType.Float32, _cpu);
        var e = Assert.Throws<ShapeMismatchException>(() => _cpu.Gather(x, indices, 0, y));
        Assert.That(e!.Message, Does.StartWith("Gather:").And.Contain("(1, 2, 4)").And.Contain("(2, 4)").And.Contain("(5, 4)"));
    }

    [Test]
    public void Gather_FloatIndices_Throws()
    {
        using var x = Tensor.Zeros(new Shape(5, 4), backend: _cpu);
        using var indices = Tensor.Zeros(new Shape(2), backend: _cpu);
        using var y = Tensor.Empty(new Shape(2, 4), DType.Float32, _cpu);
        var e = Assert.Throws<ArgumentException>(() => _cpu.Gather(x, indices, 0, y));
        Assert.That(e!.Message, Does.StartWith("Gather:").And.Contain("int32 or int64"));
    }

    [Test]
    public void ScatterAdd_RandomShapesWithRepeats_MatchesReference(
        [ValueSource(nameof(AllDTypes))] DType dtype, [ValueSource(nameof(IndexDTypes))] DType indexType)
    {
        var rng = new Random(13);
        for (int trial = 0; trial < 25; trial++)
        {
            int rank = rng.Next(1, 5);
            int[] yShape = RandomShape(rng, rank);
            int axis = rng.Next(-rank, rank), a = axis < 0 ? axis + rank : axis;
            int[] indicesShape = RandomShape(rng, rng.Next(0, 3), max: 5);
            var indices = RandomIndices(rng, indicesShape, yShape[a]);
            int[] uShape = [.. yShape[..a], .. indicesShape, .. yShape[(a + 1)..]];
            var updates = RandomValues(rng, ReferenceLayout.Size(uShape), dtype);
            var y = RandomValues(rng, ReferenceLayout.Size(yShape), dtype);
            using var ut = MakeTensor(updates, uShape, dtype, _cpu);
            using var it = MakeTensor(indices.Select(i => (double)i).ToArray(), indicesShape, indexType, _cpu);
            using var yt = MakeTensor(y, yShape, dtype, _cpu);
            _cpu.ScatterAdd(ut, it, axis, yt);
            ReferenceLayout.ScatterAdd(updates, indices, indicesShape, axis, y, yShape);
            string what = $"ScatterAdd {new Shape(uShape)} into {new Shape(yShape)} along {axis}";
            if (dtype == DType.Float32) AssertClose(y, ToDoubles(yt), what);
            else AssertExact(y, ToDoubles(yt), what);
        }
    }

    [Test]
    public void ScatterAdd_IsTheAdjointOfGather()
    {
        // <Gather(x), u> = <x, ScatterAdd(u)> for any x, u.
        var rng = new Random(14);
        int[] xShape = [3, 7, 5], indicesShape = [4, 3];
        var indices = RandomIndices(rng, indicesShape, 7);
        var x = RandomValues(rng, ReferenceLayout.Size(xShape), DType.Float32);
        using var xt = MakeTensor(x, xShape, DType.Float32, _cpu);
        using var it = MakeTensor(indices.Select(i => (double)i).ToArray(), indicesShape, DType.Int64, _cpu);
        using var gathered = Tensor.Empty(new Shape(3, 4, 3, 5), DType.Float32, _cpu);
        _cpu.Gather(xt, it, 1, gathered);
        var u = RandomValues(rng, gathered.Size, DType.Float32);
        using var ut = MakeTensor(u, [3, 4, 3, 5], DType.Float32, _cpu);
        using var scattered = Tensor.Zeros(new Shape(xShape), backend: _cpu);
        _cpu.ScatterAdd(ut, it, 1, scattered);
        var g = ToDoubles(gathered);
        var s = ToDoubles(scattered);
        double left = g.Zip(u, (p, q) => p * q).Sum(), right = x.Zip(s, (p, q) => p * q).Sum();
        Assert.That(left, Is.EqualTo(right).Within(1e-4 * (1 + Math.Abs(right))));
    }

    [Test]
    public void ScatterAdd_LargeWithRepeats_BitIdenticalOnOneAndTwoThreads()
    {
        // Axis 0 (outer = 1): two threads split the columns; every index repeats about 8 times.
        var rng = new Random(15);
        int[] yShape = [15, 4200], indicesShape = [120];
        var indices = RandomIndices(rng, indicesShape, 15);
        var updates = RandomValues(rng, 120L * 4200, DType.Float32);
        using var ut = MakeTensor(updates, [120, 4200], DType.Float32, _cpu);
        using var it = MakeTensor(indices.Select(i => (double)i).ToArray(), indicesShape, DType.Int32, _cpu);
        using var one = Tensor.Zeros(new Shape(yShape), backend: _cpu);
        using var two = Tensor.Zeros(new Shape(yShape), backend: _cpu);
        new CpuBackend(threads: 1).ScatterAdd(ut, it, 0, one);
        new CpuBackend(threads: 2).ScatterAdd(ut, it, 0, two);
        var a = one.ToArray();
        var b = two.ToArray();
        for (int i = 0; i < a.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(a[i]) != BitConverter.SingleToInt32Bits(b[i]))
                Assert.Fail($"ScatterAdd: element {i}: one thread {a[i]:R}, two threads {b[i]:R}");
        }
        var expected = new double[15 * 4200];
        ReferenceLayout.ScatterAdd(updates, indices, indicesShape, 0, expected, yShape);
        AssertClose(expected, ToDoubles(one), "ScatterAdd (120, 4200) into (15, 4200)");
    }

    [Test]
    public void ScatterAdd_IndexOutOfRange_ThrowsAndLeavesOutputUntouched()
    {
        using var updates = Tensor.Ones(new Shape(2, 3), _cpu);
        using var indices = Tensor.FromArray(new[] { 0, 4 }, backend: _cpu);
        using var y = Tensor.Zeros(new Shape(4, 3), backend: _cpu);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _cpu.ScatterAdd(updates, indices, 0, y));
        Assert.That(e!.Message, Does.StartWith("ScatterAdd:").And.Contain("index 4").And.Contain("[0, 4)"));
        Assert.That(y.ToArray(), Is.All.EqualTo(0f));
    }

    [Test]
    public void ScatterAdd_WrongUpdatesShape_ThrowsNamingShapes()
    {
        using var updates = Tensor.Ones(new Shape(2, 5), _cpu);
        using var indices = Tensor.FromArray(new[] { 0, 1 }, backend: _cpu);
        using var y = Tensor.Zeros(new Shape(4, 3), backend: _cpu);
        var e = Assert.Throws<ShapeMismatchException>(() => _cpu.ScatterAdd(updates, indices, 0, y));
        Assert.That(e!.Message, Does.StartWith("ScatterAdd:").And.Contain("(2, 5)").And.Contain("(2, 3)").And.Contain("(4, 3)"));
    }

    private static long[] RandomIndices(Random rng, int[] shape, int axisDim)
    {
        var indices = new long[ReferenceLayout.Size(shape)];
        for (int i = 0; i < indices.Length; i++) indices[i] = rng.Next(0, axisDim);
        return indices;
    }

    // Float sums: absolute 1e-5 plus relative 1e-5 of the reference.
    private static void AssertClose(double[] expected, double[] actual, string what) => AllClose.Assert(actual, expected, 1e-5, 1e-5, what);
}
