#nullable enable
using DeepNet.Cuda.Interop;

namespace DeepNet.Cuda;

public sealed unsafe partial class CudaBackend
{
    /// <summary>
    /// c = alpha·op(a)·op(b) + beta·c through cuBLAS, with the CPU backend's shapes: a (m, k), b
    /// (k, n), c (m, n) (a stored (k, m) when transposed, b (n, k)), or batched with a leading axis
    /// on a and c, b batched or shared. cuBLAS is column-major and sees a row-major matrix as its
    /// transpose, so it computes cᵀ = op(b)ᵀ·op(a)ᵀ: the operands swap places and keep their
    /// transpose flags. TF32 when <see cref="AllowTf32"/>.
    /// </summary>
    public void Gemm(Tensor a, Tensor b, Tensor c, bool transposeA = false, bool transposeB = false, float alpha = 1f, float beta = 0f)
    {
        RequireFloat(a, "Gemm", "a");
        RequireFloat(b, "Gemm", "b");
        RequireFloat(c, "Gemm", "c");
        var (batch, m, n, k) = GemmDimensions(a.Shape, b.Shape, c.Shape, transposeA, transposeB);
        if (batch == 0 || m == 0 || n == 0) return;
        EnterContext();
        ulong pa = Ptr(a), pb = Ptr(b), pc = Ptr(c);
        int lda = Math.Max(1, transposeA ? m : k), ldb = Math.Max(1, transposeB ? k : n);
        int opA = transposeA ? Cublas.CUBLAS_OP_T : Cublas.CUBLAS_OP_N;
        int opB = transposeB ? Cublas.CUBLAS_OP_T : Cublas.CUBLAS_OP_N;
        int compute = AllowTf32 ? Cublas.CUBLAS_COMPUTE_32F_FAST_TF32 : Cublas.CUBLAS_COMPUTE_32F;
        bool sharedB = b.Rank == 2;
        const int f32 = Cublas.CUDA_R_32F;

        if (batch == 1 || (sharedB && !transposeA))
        {
            // A shared b with row-major a stacks the batch into one tall matrix: one call.
            int rows = checked(batch * m);
            Cublas.Check(Cublas.cublasGemmEx(_cublas, opB, opA, n, rows, k, &alpha, pb, f32, ldb, pa, f32, lda,
                &beta, pc, f32, n, compute, Cublas.CUBLAS_GEMM_DEFAULT));
            return;
        }
        long strideA = (long)m * k, strideB = sharedB ? 0 : (long)k * n, strideC = (long)m * n;
        Cublas.Check(Cublas.cublasGemmStridedBatchedEx(_cublas, opB, opA, n, m, k, &alpha, pb, f32, ldb, strideB, pa, f32, lda, strideA,
            &beta, pc, f32, n, strideC, batch, compute, Cublas.CUBLAS_GEMM_DEFAULT));
    }

    /// <summary>The (batch, m, n, k) of a GEMM, or a <see cref="ShapeMismatchException"/> naming the shapes.</summary>
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
