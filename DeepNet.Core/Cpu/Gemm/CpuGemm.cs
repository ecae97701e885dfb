#nullable enable
using System.Numerics.Tensors;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// Single-precision GEMM on raw row-major buffers, the workhorse of Dense and convolution:
/// C[m×n] = alpha · op(A) · op(B) + beta · C, where op(A) is m×k and op(B) is k×n.
/// lda/ldb/ldc are row strides in elements of the matrices as stored (before op).
/// When beta is 0, C is not read (it may hold garbage or NaN).
/// </summary>
/// <remarks>
/// Goto/BLIS structure: for each NC-wide column block of C and KC-deep slice of k, B is packed into
/// NR-column panels; for each MC-tall row block, A is packed into MR-row panels; then a register-blocked
/// micro-kernel (<see cref="GemmKernel"/>) computes every MR×NR tile. Threads split the M×N output
/// into tiles once per call and never split k, and the k slicing depends only on k, so every element
/// of C sees the same sequence of operations whatever the thread count.
/// </remarks>
internal static unsafe class CpuGemm
{
    /// <summary>
    /// Below this many multiply-adds (m·n·k) a call runs on the calling thread alone: about 0.3 ms of
    /// one core, so each of two tasks outweighs handing work to a pool thread, which on a busy
    /// machine can wait a scheduler slice (milliseconds) before it starts.
    /// </summary>
    internal const long ParallelThreshold = 256L * 256 * 256;

    public static void Sgemm(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc, int threads)
        => Sgemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, GemmKernel.Best);

    /// <summary>As above with an explicit micro-kernel (tests run every kernel on every machine).</summary>
    internal static void Sgemm(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc, int threads, GemmKernel kernel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (lda < Math.Max(1, transposeA ? m : k)) throw new ArgumentOutOfRangeException(nameof(lda), lda, "Sgemm: lda is smaller than a stored row of A.");
        if (ldb < Math.Max(1, transposeB ? k : n)) throw new ArgumentOutOfRangeException(nameof(ldb), ldb, "Sgemm: ldb is smaller than a stored row of B.");
        if (ldc < Math.Max(1, n)) throw new ArgumentOutOfRangeException(nameof(ldc), ldc, "Sgemm: ldc is smaller than a row of C.");
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }

        if (RowGemm.Applies(transposeB, m))
        {
            RowGemm.Run(transposeA, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, kernel);
            return;
        }

        var job = new Job(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, kernel);
        var (tm, tn) = Grid(TaskCount((long)m * n * k, threads), m, n, kernel);
        if (tm * tn == 1)
        {
            job.RunTile(0, m, 0, n);
            return;
        }
        FanOut.For(tm * tn, threads, t =>
        {
            int i = t / tn, j = t % tn;
            var (m0, m1) = Split(m, kernel.MR, tm, i);
            var (n0, n1) = Split(n, kernel.NR, tn, j);
            if (m0 < m1 && n0 < n1) job.RunTile(m0, m1, n0, n1);
        });
    }

    /// <summary>
    /// How many tiles to cut the output into: one below the threshold, else one per thread. (More,
    /// smaller tiles were tried for balance on a busy machine: the extra packing cost more than it won.)
    /// </summary>
    internal static int TaskCount(long work, int threads) => threads <= 1 || work < ParallelThreshold ? 1 : threads;

    /// <summary>C = beta·C (zeros when beta is 0, without reading C): the k = 0 or alpha = 0 case.</summary>
    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0f) row.Clear();
            else if (beta != 1f) TensorPrimitives.Multiply(row, beta, row);
        }
    }

    /// <summary>
    /// Splits the output into tm×tn tiles, one per task, choosing the factorisation whose tiles are
    /// closest to square (least packing traffic), and never more tiles along a side than it has panels.
    /// </summary>
    internal static (int Tm, int Tn) Grid(int tasks, int m, int n, GemmKernel kernel)
    {
        int mPanels = (m + kernel.MR - 1) / kernel.MR, nPanels = (n + kernel.NR - 1) / kernel.NR;
        for (int t = tasks; t > 1; t--)
        {
            int bestTm = 0;
            double bestScore = double.MaxValue;
            for (int tm = 1; tm <= t; tm++)
            {
                if (t % tm != 0) continue;
                int tn = t / tm;
                if (tm > mPanels || tn > nPanels) continue;
                double score = Math.Abs(Math.Log((double)m / tm / ((double)n / tn)));
                if (score < bestScore) { bestScore = score; bestTm = tm; }
            }
            if (bestTm > 0) return (bestTm, t / bestTm);
        }
        return (1, 1);
    }

    /// <summary>Part <paramref name="index"/> of <paramref name="parts"/> of [0, size), cut at multiples of <paramref name="unit"/>.</summary>
    private static (int Start, int End) Split(int size, int unit, int parts, int index)
    {
        long units = (size + unit - 1) / unit;
        int start = (int)(units * index / parts) * unit;
        int end = (int)(units * (index + 1) / parts) * unit;
        return (Math.Min(start, size), Math.Min(end, size));
    }

    /// <summary>One call's operands, shared read-only by the tasks.</summary>
    private readonly struct Job
    {
        private readonly bool _transA, _transB;
        private readonly int _m, _n, _k, _lda, _ldb, _ldc;
        private readonly float _alpha, _beta;
        private readonly nint _a, _b, _c;
        private readonly GemmKernel _kernel;

        public Job(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
            float* b, int ldb, float beta, float* c, int ldc, GemmKernel kernel)
        {
            _transA = transA; _transB = transB; _m = m; _n = n; _k = k; _alpha = alpha; _beta = beta;
            _a = (nint)a; _lda = lda; _b = (nint)b; _ldb = ldb; _c = (nint)c; _ldc = ldc; _kernel = kernel;
        }

        /// <summary>Computes C[m0..m1, n0..n1] on the calling thread.</summary>
        public void RunTile(int m0, int m1, int n0, int n1)
        {
            var kr = _kernel;
            int mr = kr.MR, nr = kr.NR;
            float* a = (float*)_a, b = (float*)_b, c = (float*)_c;
            var run = kr.Run;

            // k is cut into equal slices (not KC, KC, ..., remainder) so the last one is not tiny;
            // the cut depends on k alone, never on the tile.
            int kSlices = (_k + kr.KC - 1) / kr.KC;
            int kcMax = (_k + kSlices - 1) / kSlices;
            int ncMax = Math.Min(kr.NC, RoundUp(n1 - n0, nr));
            int mcMax = Math.Min(kr.MC, RoundUp(m1 - m0, mr));
            float* packedB = GemmScratch.B((long)ncMax * kcMax);
            float* packedA = GemmScratch.A((long)mcMax * kcMax);
            float* edge = stackalloc float[mr * nr];

            for (int jc = n0; jc < n1; jc += kr.NC)
            {
                int nc = Math.Min(kr.NC, n1 - jc);
                for (int s = 0; s < kSlices; s++)
                {
                    int p0 = (int)((long)_k * s / kSlices), kc = (int)((long)_k * (s + 1) / kSlices) - p0;
                    // The first k slice applies beta; later ones add to what it wrote.
                    float beta = s == 0 ? _beta : 1f;
                    GemmPacking.PackB(_transB, b, _ldb, p0, kc, jc, nc, nr, packedB);
                    for (int ic = m0; ic < m1; ic += kr.MC)
                    {
                        int mc = Math.Min(kr.MC, m1 - ic);
                        GemmPacking.PackA(_transA, a, _lda, ic, mc, p0, kc, mr, packedA);
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int cols = Math.Min(nr, nc - jr);
                            float* bPanel = packedB + (long)jr * kc;
                            for (int ir = 0; ir < mc; ir += mr)
                            {
                                int rows = Math.Min(mr, mc - ir);
                                float* aPanel = packedA + (long)ir * kc;
                                float* cTile = c + (long)(ic + ir) * _ldc + jc + jr;
                                if (rows == mr && cols == nr)
                                {
                                    run(kc, aPanel, bPanel, cTile, _ldc, _alpha, beta);
                                }
                                else
                                {
                                    // Ragged edge: the same kernel on a full-size scratch tile, so edge
                                    // elements get exactly the arithmetic of interior ones.
                                    if (beta != 0f) CopyTile(cTile, _ldc, edge, nr, rows, cols);
                                    run(kc, aPanel, bPanel, edge, nr, _alpha, beta);
                                    CopyTile(edge, nr, cTile, _ldc, rows, cols);
                                }
                            }
                        }
                    }
                }
            }
        }

        private static int RoundUp(int x, int unit) => (x + unit - 1) / unit * unit;

        private static void CopyTile(float* src, int lds, float* dst, int ldd, int rows, int cols)
        {
            for (int r = 0; r < rows; r++)
                new ReadOnlySpan<float>(src + (long)r * lds, cols).CopyTo(new Span<float>(dst + (long)r * ldd, cols));
        }
    }
}
