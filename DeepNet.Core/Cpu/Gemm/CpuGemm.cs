#nullable enable
namespace DeepNet.Backends.Cpu;

/// <summary>
/// Single-precision GEMM on raw row-major buffers, the workhorse of Dense and convolution:
/// C[m×n] = alpha · op(A) · op(B) + beta · C, where op(A) is m×k and op(B) is k×n.
/// lda/ldb/ldc are row strides in elements of the matrices as stored (before op).
/// When beta is 0, C is not read (it may hold garbage or NaN).
/// </summary>
internal static unsafe class CpuGemm
{
    public static void Sgemm(
        bool transposeA, bool transposeB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb,
        float beta, float* c, int ldc, int threads)
    {
        // Placeholder: a plain triple loop until the blocked kernel lands.
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += av * bv;
                }
                float prior = beta == 0f ? 0f : beta * c[i * ldc + j];
                c[i * ldc + j] = alpha * sum + prior;
            }
        }
    }
}
