#nullable enable
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// GEMM for a few rows of A with B stored row-major (not transposed): the batch-1 Dense of
/// inference. Packing B would read and write all of it to use it for one or two rows, so here each
/// row of C is swept straight over the rows of B instead.
/// </summary>
/// <remarks>
/// Every element of C gets exactly the arithmetic of the packed path: k is cut into the same
/// slices (they depend on k and the kernel's KC alone), each slice accumulates from zero with one
/// fused multiply-add per p in order, and the slice is stored as alpha·acc (first slice, beta 0) or
/// fma(alpha, acc, beta·C) (beta 1 after the first slice). Lanes of a vector are independent, so the
/// vector width and the split of columns over threads change nothing in the result.
/// </remarks>
internal static unsafe class RowGemm
{
    /// <summary>Most rows of A this path takes; with more, packing B once costs less than sweeping it per row.</summary>
    public const int MaxRows = 4;

    /// <summary>Columns of C one task covers at least (and a multiple of), so tasks share no cache line of C.</summary>
    private const int ColumnUnit = 32;

    /// <summary>Whether C = op(A)·B takes this path (written with Vector256, so only where that is native).</summary>
    public static bool Applies(bool transposeB, int m) => !transposeB && m <= MaxRows && Vector256.IsHardwareAccelerated;

    /// <summary>C[m×n] = alpha·op(A)·B + beta·C, with the k slicing of <paramref name="kernel"/>.</summary>
    public static void Run(bool transposeA, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc, int threads, GemmKernel kernel)
    {
        int kSlices = (k + kernel.KC - 1) / kernel.KC;
        int tasks = Math.Min(CpuGemm.TaskCount((long)m * n * k, threads), (n + ColumnUnit - 1) / ColumnUnit);
        var job = new Job(transposeA, m, n, k, kSlices, alpha, a, lda, b, ldb, beta, c, ldc);
        if (tasks <= 1)
        {
            job.Columns(0, n);
            return;
        }
        long units = (n + ColumnUnit - 1) / ColumnUnit;
        FanOut.For(tasks, tasks, t =>
            job.Columns((int)Math.Min(n, units * t / tasks * ColumnUnit), (int)Math.Min(n, units * (t + 1) / tasks * ColumnUnit)));
    }

    private readonly struct Job
    {
        private readonly bool _transA;
        private readonly int _m, _n, _k, _kSlices, _lda, _ldb, _ldc;
        private readonly float _alpha, _beta;
        private readonly nint _a, _b, _c;

        public Job(bool transA, int m, int n, int k, int kSlices, float alpha, float* a, int lda, float* b, int ldb,
            float beta, float* c, int ldc)
        {
            _transA = transA; _m = m; _n = n; _k = k; _kSlices = kSlices; _alpha = alpha; _beta = beta;
            _a = (nint)a; _lda = lda; _b = (nint)b; _ldb = ldb; _c = (nint)c; _ldc = ldc;
        }

        /// <summary>C[all rows, j0..j1] on the calling thread.</summary>
        public void Columns(int j0, int j1)
        {
            int aStep = _transA ? _lda : 1;
            for (int i = 0; i < _m; i++)
            {
                float* aRow = (float*)_a + (_transA ? i : (long)i * _lda);
                float* cRow = (float*)_c + (long)i * _ldc;
                for (int s = 0; s < _kSlices; s++)
                {
                    int p0 = (int)((long)_k * s / _kSlices), kc = (int)((long)_k * (s + 1) / _kSlices) - p0;
                    float beta = s == 0 ? _beta : 1f;
                    float* aSlice = aRow + (long)p0 * aStep;
                    float* bSlice = (float*)_b + (long)p0 * _ldb;
                    int j = j0;
                    for (; j + 32 <= j1; j += 32) Block32(kc, aSlice, aStep, bSlice + j, _ldb, cRow + j, _alpha, beta);
                    for (; j + 8 <= j1; j += 8) Block8(kc, aSlice, aStep, bSlice + j, _ldb, cRow + j, _alpha, beta);
                    for (; j < j1; j++) Scalar(kc, aSlice, aStep, bSlice + j, _ldb, cRow + j, _alpha, beta);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block32(int kc, float* a, int aStep, float* b, int ldb, float* c, float alpha, float beta)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
        for (int p = 0; p < kc; p++)
        {
            var ap = Vector256.Create(*a);
            c0 = Vector256.FusedMultiplyAdd(ap, Vector256.Load(b + 0), c0);
            c1 = Vector256.FusedMultiplyAdd(ap, Vector256.Load(b + 8), c1);
            c2 = Vector256.FusedMultiplyAdd(ap, Vector256.Load(b + 16), c2);
            c3 = Vector256.FusedMultiplyAdd(ap, Vector256.Load(b + 24), c3);
            a += aStep;
            b += ldb;
        }
        Store(c0, c + 0, alpha, beta);
        Store(c1, c + 8, alpha, beta);
        Store(c2, c + 16, alpha, beta);
        Store(c3, c + 24, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block8(int kc, float* a, int aStep, float* b, int ldb, float* c, float alpha, float beta)
    {
        Vector256<float> c0 = default;
        for (int p = 0; p < kc; p++)
        {
            c0 = Vector256.FusedMultiplyAdd(Vector256.Create(*a), Vector256.Load(b), c0);
            a += aStep;
            b += ldb;
        }
        Store(c0, c, alpha, beta);
    }

    private static void Scalar(int kc, float* a, int aStep, float* b, int ldb, float* c, float alpha, float beta)
    {
        float acc = 0f;
        for (int p = 0; p < kc; p++)
        {
            acc = MathF.FusedMultiplyAdd(*a, *b, acc);
            a += aStep;
            b += ldb;
        }
        *c = beta == 0f ? alpha * acc : MathF.FusedMultiplyAdd(alpha, acc, beta * *c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<float> acc, float* c, float alpha, float beta)
    {
        var va = Vector256.Create(alpha);
        if (beta == 0f) Vector256.Store(va * acc, c);
        else Vector256.Store(Vector256.FusedMultiplyAdd(va, acc, Vector256.Create(beta) * Vector256.Load(c)), c);
    }
}
