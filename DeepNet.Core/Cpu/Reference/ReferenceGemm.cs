#nullable enable
namespace DeepNet.Backends.Cpu.Reference;

/// <summary>
/// The float64 reference for GEMM that the fast kernels are tested against: plain loops, row-major,
/// c = alpha·op(a)·op(b) + beta·c with op(a) m×k and op(b) k×n. a is stored m×k (k×m when
/// transposed), b k×n (n×k when transposed); when beta is 0, c is not read.
/// </summary>
public static class ReferenceGemm
{
    public static void Gemm(bool transposeA, bool transposeB, int m, int n, int k,
        double alpha, double[] a, double[] b, double beta, double[] c)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = transposeA ? a[p * m + i] : a[i * k + p];
                    double bv = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }
                c[i * n + j] = beta == 0 ? alpha * sum : alpha * sum + beta * c[i * n + j];
            }
        }
    }

    /// <summary>
    /// Batched form: a holds <paramref name="batch"/> matrices back to back; b too, unless
    /// <paramref name="sharedB"/>, when one b serves every batch item.
    /// </summary>
    public static void BatchedGemm(int batch, bool sharedB, bool transposeA, bool transposeB, int m, int n, int k,
        double alpha, double[] a, double[] b, double beta, double[] c)
    {
        var ai = new double[m * k];
        var bi = new double[k * n];
        var ci = new double[m * n];
        for (int t = 0; t < batch; t++)
        {
            Array.Copy(a, t * m * k, ai, 0, m * k);
            Array.Copy(b, sharedB ? 0 : t * k * n, bi, 0, k * n);
            Array.Copy(c, t * m * n, ci, 0, m * n);
            Gemm(transposeA, transposeB, m, n, k, alpha, ai, bi, beta, ci);
            Array.Copy(ci, 0, c, t * m * n, m * n);
        }
    }
}
