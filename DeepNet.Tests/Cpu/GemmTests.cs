using DeepNet.Backends.Cpu;
using DeepNet.Backends.Cpu.Reference;

namespace DeepNet.Tests.Cpu;

public unsafe class GemmTests
{
    // Odd sizes, size 1, non-square, k = 1, and k deep enough to need several packed k slices
    // (KC is 192 or 256) and several MC row blocks (MC is 128 to 256).
    private static readonly (int M, int N, int K)[] Shapes =
    [
        (1, 1, 1), (1, 17, 33), (17, 1, 33), (33, 65, 1), (3, 7, 5), (65, 33, 129),
        (129, 17, 65), (6, 16, 256), (13, 40, 300), (261, 35, 97), (20, 70, 520),
        // Few rows (RowGemm's unpacked path) with ragged column blocks and several k slices.
        (1, 45, 600), (2, 33, 257), (4, 130, 300),
    ];

    private static IEnumerable<TestCaseData> KernelCases()
    {
        foreach (var kernel in GemmKernel.All)
            foreach (var (m, n, k) in Shapes)
                foreach (bool ta in new[] { false, true })
                    foreach (bool tb in new[] { false, true })
                        yield return new TestCaseData(kernel.Name, m, n, k, ta, tb)
                            .SetName($"Sgemm_{kernel.Name}_{m}x{n}x{k}_{(ta ? "T" : "N")}{(tb ? "T" : "N")}_MatchesFloat64Reference");
    }

    [TestCaseSource(nameof(KernelCases))]
    public void Sgemm_EveryKernelShapeAndTranspose_MatchesFloat64Reference(string kernelName, int m, int n, int k, bool ta, bool tb)
    {
        var kernel = GemmKernel.All.Single(x => x.Name == kernelName);
        var rng = new Random(m * 7919 + n * 104729 + k * 31 + (ta ? 1 : 0) + (tb ? 2 : 0));
        float[] a = RandomArray(rng, m * k), b = RandomArray(rng, k * n), c = RandomArray(rng, m * n);
        var expected = ToDouble(c);
        ReferenceGemm.Gemm(ta, tb, m, n, k, 0.75, ToDouble(a), ToDouble(b), -0.5, expected);

        fixed (float* pa = a, pb = b, pc = c)
            CpuGemm.Sgemm(ta, tb, m, n, k, 0.75f, pa, ta ? m : k, pb, tb ? k : n, -0.5f, pc, n, 1, kernel);

        AssertClose(c, expected, k);
    }

    [Test]
    public void Sgemm_BetaZero_DoesNotReadNaNFilledC([Values(false, true)] bool ta, [Values(false, true)] bool tb)
    {
        const int m = 37, n = 41, k = 29;
        var rng = new Random(5);
        float[] a = RandomArray(rng, m * k), b = RandomArray(rng, k * n);
        var c = new float[m * n];
        Array.Fill(c, float.NaN);
        var expected = new double[m * n];
        Array.Fill(expected, double.NaN);
        ReferenceGemm.Gemm(ta, tb, m, n, k, 1.5, ToDouble(a), ToDouble(b), 0, expected);

        fixed (float* pa = a, pb = b, pc = c)
            CpuGemm.Sgemm(ta, tb, m, n, k, 1.5f, pa, ta ? m : k, pb, tb ? k : n, 0f, pc, n, 2);

        AssertClose(c, expected, k);
    }

    [Test]
    public void Sgemm_KZero_ScalesCByBeta()
    {
        var c = new float[] { 1, 2, 3, 4, 5, 6 };
        var nan = new float[6];
        Array.Fill(nan, float.NaN);
        var empty = new float[1];
        fixed (float* pe = empty, pc = c, pn = nan)
        {
            CpuGemm.Sgemm(false, false, 2, 3, 0, 1f, pe, 1, pe, 3, 2f, pc, 3, 1);
            CpuGemm.Sgemm(false, false, 2, 3, 0, 1f, pe, 1, pe, 3, 0f, pn, 3, 1);
        }
        Assert.That(c, Is.EqualTo(new float[] { 2, 4, 6, 8, 10, 12 }));
        Assert.That(nan, Is.All.EqualTo(0f));
    }

    [Test]
    public void Sgemm_LeadingDimensionsWiderThanMatrices_ReadsAndWritesOnlyTheViews(
        [Values(false, true)] bool ta, [Values(false, true)] bool tb)
    {
        // Sub-matrix views: every stored row is longer than the part that belongs to the matrix,
        // and the columns of C beyond n must come back untouched.
        const int m = 23, n = 19, k = 31, pad = 5;
        var rng = new Random(11);
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + pad, ldb = bCols + 3, ldc = n + 7;
        float[] aStore = RandomArray(rng, aRows * lda), bStore = RandomArray(rng, bRows * ldb), cStore = RandomArray(rng, m * ldc);
        var original = (float[])cStore.Clone();
        double[] a = Compact(aStore, aRows, aCols, lda), b = Compact(bStore, bRows, bCols, ldb);
        double[] expected = Compact(cStore, m, n, ldc);
        ReferenceGemm.Gemm(ta, tb, m, n, k, 1.25, a, b, 0.5, expected);

        fixed (float* pa = aStore, pb = bStore, pc = cStore)
            CpuGemm.Sgemm(ta, tb, m, n, k, 1.25f, pa, lda, pb, ldb, 0.5f, pc, ldc, 2);

        AssertClose(ToFloat(Compact(cStore, m, n, ldc)), expected, k);
        for (int i = 0; i < m; i++)
            for (int j = n; j < ldc; j++)
                Assert.That(cStore[i * ldc + j], Is.EqualTo(original[i * ldc + j]), $"padding C[{i}, {j}] was written");
    }

    [Test]
    public void Sgemm_ThreadCount_GivesBitIdenticalResults([Values(false, true)] bool ta, [Values(false, true)] bool tb)
    {
        // Big enough to take the parallel path, with ragged tiles on both sides.
        const int m = 311, n = 203, k = 300;
        Assert.That((long)m * n * k, Is.GreaterThanOrEqualTo(CpuGemm.ParallelThreshold), "the sizes must reach the parallel path");
        var rng = new Random(3);
        float[] a = RandomArray(rng, m * k), b = RandomArray(rng, k * n);
        var results = new List<float[]>();
        foreach (int threads in new[] { 1, 2, 3, 4 })
        {
            var c = new float[m * n];
            fixed (float* pa = a, pb = b, pc = c)
                CpuGemm.Sgemm(ta, tb, m, n, k, 1f, pa, ta ? m : k, pb, tb ? k : n, 0f, pc, n, threads);
            results.Add(c);
        }
        var expected = new double[m * n];
        ReferenceGemm.Gemm(ta, tb, m, n, k, 1, ToDouble(a), ToDouble(b), 0, expected);
        AssertClose(results[0], expected, k);
        for (int t = 1; t < results.Count; t++)
            Assert.That(results[t], Is.EqualTo(results[0]), $"{t + 1} threads differ from 1 thread");
    }

    [Test]
    public void Sgemm_FewRows_BitIdenticalToTheSameRowsOfATallProduct(
        [Values("avx512-8x32", "avx2-6x16", "vector128-4x8")] string kernelName, [Values(false, true)] bool ta, [Values(false, true)] bool tb)
    {
        // A batch of 1..4 rows takes the unpacked path, a batch of 23 the packed one: a sample's
        // output must not depend on the batch it was predicted in. k = 600 needs several k slices.
        var kernel = GemmKernel.All.Single(x => x.Name == kernelName);
        const int tall = 23, n = 77, k = 600;
        var rng = new Random(11);
        float[] a = RandomArray(rng, tall * k), b = RandomArray(rng, k * n), c0 = RandomArray(rng, tall * n);
        var full = (float[])c0.Clone();
        fixed (float* pa = a, pb = b, pc = full)
            CpuGemm.Sgemm(ta, tb, tall, n, k, 0.75f, pa, ta ? tall : k, pb, tb ? k : n, -0.5f, pc, n, 1, kernel);

        foreach (int m in new[] { 1, 2, 3, 4 })
        {
            // The first m rows of op(A), stored as op(A) is stored (columns of Aᵀ when transposed).
            var few = new float[m * k];
            for (int i = 0; i < m; i++)
                for (int p = 0; p < k; p++)
                    few[ta ? p * m + i : i * k + p] = a[ta ? p * tall + i : i * k + p];
            var c = c0[..(m * n)];
            fixed (float* pa = few, pb = b, pc = c)
                CpuGemm.Sgemm(ta, tb, m, n, k, 0.75f, pa, ta ? m : k, pb, tb ? k : n, -0.5f, pc, n, 1, kernel);
            Assert.That(c, Is.EqualTo(full[..(m * n)]), $"{m} rows");
        }
    }

    [Test]
    public void Sgemm_FewRowsThreadCount_GivesBitIdenticalResults([Values(false, true)] bool ta)
    {
        // Big enough for the unpacked path to split its columns over threads.
        const int m = 4, n = 260, k = 16200;
        Assert.That((long)m * n * k, Is.GreaterThanOrEqualTo(CpuGemm.ParallelThreshold), "the sizes must reach the parallel path");
        var rng = new Random(13);
        float[] a = RandomArray(rng, m * k), b = RandomArray(rng, k * n);
        var results = new List<float[]>();
        foreach (int threads in new[] { 1, 2, 3, 4 })
        {
            var c = new float[m * n];
            fixed (float* pa = a, pb = b, pc = c)
                CpuGemm.Sgemm(ta, false, m, n, k, 1f, pa, ta ? m : k, pb, n, 0f, pc, n, threads);
            results.Add(c);
        }
        var expected = new double[m * n];
        ReferenceGemm.Gemm(ta, false, m, n, k, 1, ToDouble(a), ToDouble(b), 0, expected);
        AssertClose(results[0], expected, k);
        for (int t = 1; t < results.Count; t++)
            Assert.That(results[t], Is.EqualTo(results[0]), $"{t + 1} threads differ from 1 thread");
    }

    [Test]
    public void Grid_SplitsTheLongerSideAndNeverExceedsPanels()
    {
        var kernel = GemmKernel.Avx2;
        Assert.That(CpuGemm.Grid(2, 4096, 64, kernel), Is.EqualTo((2, 1)));
        Assert.That(CpuGemm.Grid(2, 64, 4096, kernel), Is.EqualTo((1, 2)));
        Assert.That(CpuGemm.Grid(4, 1024, 1024, kernel), Is.EqualTo((2, 2)));
        Assert.That(CpuGemm.Grid(8, 1, 100, kernel), Is.EqualTo((1, 7)));  // 100 columns = 7 panels of 16
    }

    // ---- tensor-level Gemm on the backend ----------------------------------------------------

    [Test]
    public void Gemm_Rank2Transposes_MatchesFloat64Reference([Values(false, true)] bool ta, [Values(false, true)] bool tb)
    {
        const int m = 45, n = 67, k = 33;
        using var backend = new CpuBackend(threads: 2);
        var rng = new Random(7);
        float[] a = RandomArray(rng, m * k), b = RandomArray(rng, k * n), c0 = RandomArray(rng, m * n);
        using var ta2 = Tensor.FromArray(a, ta ? new Shape(k, m) : new Shape(m, k), backend);
        using var tb2 = Tensor.FromArray(b, tb ? new Shape(n, k) : new Shape(k, n), backend);
        using var tc = Tensor.FromArray(c0, new Shape(m, n), backend);
        var expected = ToDouble(c0);
        ReferenceGemm.Gemm(ta, tb, m, n, k, 2, ToDouble(a), ToDouble(b), 1, expected);

        backend.Gemm(ta2, tb2, tc, ta, tb, alpha: 2f, beta: 1f);

        AssertClose(tc.ToArray(), expected, k);
    }

    [Test]
    public void Gemm_Rank3Batched_MatchesFloat64Reference([Values(false, true)] bool ta, [Values(false, true)] bool tb)
    {
        const int batch = 3, m = 9, n = 21, k = 14;
        using var backend = new CpuBackend(threads: 2);
        var rng = new Random(13);
        float[] a = RandomArray(rng, batch * m * k), b = RandomArray(rng, batch * k * n);
        using var tA = Tensor.FromArray(a, ta ? new Shape(batch, k, m) : new Shape(batch, m, k), backend);
        using var tB = Tensor.FromArray(b, tb ? new Shape(batch, n, k) : new Shape(batch, k, n), backend);
        using var tC = Tensor.Empty(new Shape(batch, m, n), DType.Float32, backend);
        backend.Fill(tC, float.NaN);
        var expected = new double[batch * m * n];
        ReferenceGemm.BatchedGemm(batch, false, ta, tb, m, n, k, 1, ToDouble(a), ToDouble(b), 0, expected);

        backend.Gemm(tA, tB, tC, ta, tb);

        AssertClose(tC.ToArray(), expected, k);
    }

    [Test]
    public void Gemm_Rank3WithSharedRank2B_MatchesFloat64Reference([Values(false, true)] bool ta, [Values(false, true)] bool tb)
    {
        const int batch = 4, m = 11, n = 18, k = 27;
        using var backend = new CpuBackend(threads: 2);
        var rng = new Random(17);
        float[] a = RandomArray(rng, batch * m * k), b = RandomArray(rng, k * n), c0 = RandomArray(rng, batch * m * n);
        using var tA = Tensor.FromArray(a, ta ? new Shape(batch, k, m) : new Shape(batch, m, k), backend);
        using var tB = Tensor.FromArray(b, tb ? new Shape(n, k) : new Shape(k, n), backend);
        using var tC = Tensor.FromArray(c0, new Shape(batch, m, n), backend);
        var expected = ToDouble(c0);
        ReferenceGemm.BatchedGemm(batch, true, ta, tb, m, n, k, -1, ToDouble(a), ToDouble(b), 0.25, expected);

        backend.Gemm(tA, tB, tC, ta, tb, alpha: -1f, beta: 0.25f);

        AssertClose(tC.ToArray(), expected, k);
    }

    [Test]
    public void Gemm_BackendThreadCount_GivesBitIdenticalResults()
    {
        const int m = 280, n = 270, k = 230;
        Assert.That((long)m * n * k, Is.GreaterThanOrEqualTo(CpuGemm.ParallelThreshold), "the sizes must reach the parallel path");
        var rng = new Random(19);
        float[] a = RandomArray(rng, m * k), b = RandomArray(rng, k * n);
        float[] Run(int threads)
        {
            using var backend = new CpuBackend(threads: threads);
            using var tA = Tensor.FromArray(a, new Shape(m, k), backend);
            using var tB = Tensor.FromArray(b, new Shape(k, n), backend);
            using var tC = Tensor.Empty(new Shape(m, n), DType.Float32, backend);
            backend.Gemm(tA, tB, tC);
            return tC.ToArray();
        }
        Assert.That(Run(2), Is.EqualTo(Run(1)));
    }

    [Test]
    public void Gemm_InnerDimensionMismatch_NamesOpAndBothShapes()
    {
        using var backend = new CpuBackend(threads: 1);
        using var a = Tensor.Zeros(new Shape(2, 3), DType.Float32, backend);
        using var b = Tensor.Zeros(new Shape(4, 5), DType.Float32, backend);
        using var c = Tensor.Zeros(new Shape(2, 5), DType.Float32, backend);
        var e = Assert.Throws<ShapeMismatchException>(() => backend.Gemm(a, b, c));
        Assert.That(e!.Message, Does.StartWith("Gemm:").And.Contain("(2, 3)").And.Contain("(4, 5)"));
    }

    [Test]
    public void Gemm_WrongOutputShape_NamesExpectedAndActualShapes()
    {
        using var backend = new CpuBackend(threads: 1);
        using var a = Tensor.Zeros(new Shape(3, 2), DType.Float32, backend);
        using var b = Tensor.Zeros(new Shape(5, 3), DType.Float32, backend);
        using var c = Tensor.Zeros(new Shape(5, 2), DType.Float32, backend);
        var e = Assert.Throws<ShapeMismatchException>(() => backend.Gemm(a, b, c, transposeA: true, transposeB: true));
        Assert.That(e!.Message, Does.StartWith("Gemm:").And.Contain("should be (2, 5)")
            .And.Contain("(3, 2)").And.Contain("(5, 3)").And.Contain("c (5, 2)"));
    }

    [Test]
    public void Gemm_BatchMismatchOrBadRank_Throws()
    {
        using var backend = new CpuBackend(threads: 1);
        using var a = Tensor.Zeros(new Shape(2, 3, 4), DType.Float32, backend);
        using var b = Tensor.Zeros(new Shape(3, 4, 5), DType.Float32, backend);
        using var c = Tensor.Zeros(new Shape(2, 3, 5), DType.Float32, backend);
        var batch = Assert.Throws<ShapeMismatchException>(() => backend.Gemm(a, b, c));
        Assert.That(batch!.Message, Does.StartWith("Gemm:").And.Contain("(2, 3, 4)").And.Contain("(3, 4, 5)"));

        using var a2 = Tensor.Zeros(new Shape(3, 4), DType.Float32, backend);
        var rank = Assert.Throws<ShapeMismatchException>(() => backend.Gemm(a2, b, c));
        Assert.That(rank!.Message, Does.StartWith("Gemm:").And.Contain("(3, 4)").And.Contain("(3, 4, 5)"));
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static float[] RandomArray(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = rng.NextSingle() * 2f - 1f;
        return x;
    }

    private static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);

    private static float[] ToFloat(double[] x) => Array.ConvertAll(x, v => (float)v);

    private static double[] Compact(float[] store, int rows, int cols, int ld)
    {
        var x = new double[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                x[i * cols + j] = store[i * ld + j];
        return x;
    }

    /// <summary>Inputs are in [-1, 1]; float32 rounding grows with the depth k of each dot product.</summary>
    private static void AssertClose(float[] actual, double[] expected, int k) => AllClose.Assert(actual, expected, 1e-5 * (1 + k), 1e-4, $"depth {k}");
}
