#nullable enable
namespace DeepNet.Backends.Cpu;

public sealed partial class CpuBackend
{
    /// <summary>
    /// c = alpha·op(a)·op(b) + beta·c on float32 tensors: a (m, k), b (k, n), c (m, n) (a stored as
    /// (k, m) when <paramref name="transposeA"/>, b as (n, k) when <paramref name="transposeB"/>), or
    /// batched with a leading batch axis on a and c, where b either has the same batch axis or is
    /// rank 2 and shared by every batch item. When beta is 0, c is not read.
    /// </summary>
    public unsafe void Gemm(Tensor a, Tensor b, Tensor c, bool transposeA = false, bool transposeB = false, float alpha = 1f, float beta = 0f)
    {
        a.CheckDType(DType.Float32, "Gemm");
        b.CheckDType(DType.Float32, "Gemm");
        c.CheckDType(DType.Float32, "Gemm");
        var (batch, m, n, k) = GemmDimensions(a.Shape, b.Shape, c.Shape, transposeA, transposeB);
        float* pa = Pointer<float>(a), pb = Pointer<float>(b), pc = Pointer<float>(c);
        int lda = transposeA ? m : k, ldb = transposeB ? k : n;
        bool sharedB = b.Rank == 2;

        if (batch == 1 || (sharedB && !transposeA))
        {
            // A shared B with row-major A stacks the batch into one tall matrix: a single call,
            // split over threads as one problem.
            CpuGemm.Sgemm(transposeA, transposeB, batch * m, n, k, alpha, pa, lda, pb, ldb, beta, pc, n, Threads);
            return;
        }
        long aStride = (long)m * k, bStride = sharedB ? 0 : (long)k * n, cStride = (long)m * n;
        for (int i = 0; i < batch; i++)
        {
            CpuGemm.Sgemm(transposeA, transposeB, m, n, k, alpha, pa + i * aStride, lda,
                pb + i * bStride, ldb, beta, pc + i * cStride, n, Threads);
        }
    }

    /// <summary>
    /// Checks that a, b and c fit a (batched) GEMM and returns its dimensions; otherwise throws a
    /// <see cref="ShapeMismatchException"/> naming the shapes.
    /// </summary>
    internal static (int Batch, int M, int N, int K) GemmDimensions(Shape a, Shape b, Shape c, bool transposeA, bool transposeB)
    {
        string Shapes() => $"a {a}{(transposeA ? " (transposed)" : "")}, b {b}{(transposeB ? " (transposed)" : "")}, c {c}";
        bool ranksFit = (a.Rank == 2 && b.Rank == 2 && c.Rank == 2)
            || (a.Rank == 3 && (b.Rank == 2 || b.Rank == 3) && c.Rank == 3);
        if (!ranksFit)
            throw new ShapeMismatchException("Gemm", $"expects rank-2 a, b, c, or rank-3 a and c with a rank-2 or rank-3 b; got {Shapes()}.");

        int batch = a.Rank == 3 ? a[0] : 1;
        int m = transposeA ? a[-1] : a[-2], ka = transposeA ? a[-2] : a[-1];
        int kb = transposeB ? b[-1] : b[-2], n = transposeB ? b[-2] : b[-1];
        if (ka != kb)
            throw new ShapeMismatchException("Gemm", $"inner dimensions differ: op(a) is {m}×{ka} but op(b) is {kb}×{n}; {Shapes()}.");
        if (b.Rank == 3 && b[0] != batch)
            throw new ShapeMismatchException("Gemm", $"batch sizes differ: a has {batch}, b has {b[0]}; {Shapes()}.");
        bool cFits = c.Rank == 2 ? c[0] == m && c[1] == n : c[0] == batch && c[1] == m && c[2] == n;
        if (!cFits)
        {
            string expected = c.Rank == 2 ? $"({m}, {n})" : $"({batch}, {m}, {n})";
            throw new ShapeMismatchException("Gemm", $"c should be {expected}; {Shapes()}.");
        }
        return (batch, m, n, ka);
    }
}
