#nullable enable
using System.Runtime.Intrinsics;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// Copies blocks of A and B into the panel layout the micro-kernels stream through: A as MR-row
/// panels stored column by column, B as NR-column panels stored row by row. Transposes are resolved
/// here, so the kernels only ever see one layout, and ragged edges are padded with zeros, so the
/// kernels only ever see full tiles.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[i0..i0+mc, p0..p0+kc] into ceil(mc/MR) panels of kc×MR floats.
    /// op(A)[i, p] is a[i·lda + p], or a[p·lda + i] when transposed.
    /// </summary>
    public static void PackA(bool transpose, float* a, int lda, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            float* panel = dst + (long)ir * kc;
            if (transpose)
            {
                // Row p of the stored matrix holds op(A)[·, p]: contiguous reads along the panel's rows.
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (long)(p0 + p) * lda + i0 + ir;
                    float* d = panel + p * mr;
                    int r = 0;
                    for (; r < rows; r++) d[r] = src[r];
                    for (; r < mr; r++) d[r] = 0f;
                }
            }
            else
            {
                for (int r = 0; r < rows; r++)
                {
                    float* src = a + (long)(i0 + ir + r) * lda + p0;
                    float* d = panel + r;
                    for (int p = 0; p < kc; p++) d[p * mr] = src[p];
                }
                for (int r = rows; r < mr; r++)
                {
                    float* d = panel + r;
                    for (int p = 0; p < kc; p++) d[p * mr] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0..p0+kc, j0..j0+nc] into ceil(nc/NR) panels of kc×NR floats.
    /// op(B)[p, j] is b[p·ldb + j], or b[j·ldb + p] when transposed.
    /// </summary>
    public static void PackB(bool transpose, float* b, int ldb, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* panel = dst + (long)jr * kc;
            if (transpose)
            {
                for (int j = 0; j < cols; j++)
                {
                    float* src = b + (long)(j0 + jr + j) * ldb + p0;
                    float* d = panel + j;
                    for (int p = 0; p < kc; p++) d[p * nr] = src[p];
                }
                for (int j = cols; j < nr; j++)
                {
                    float* d = panel + j;
                    for (int p = 0; p < kc; p++) d[p * nr] = 0f;
                }
            }
            else if (cols == nr && nr % Vector256<float>.Count == 0)
            {
                // The common case: whole rows of NR contiguous floats.
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + (long)(p0 + p) * ldb + j0 + jr;
                    float* d = panel + p * nr;
                    for (int j = 0; j < nr; j += Vector256<float>.Count)
                        Vector256.Store(Vector256.Load(src + j), d + j);
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + (long)(p0 + p) * ldb + j0 + jr;
                    float* d = panel + p * nr;
                    int j = 0;
                    for (; j < cols; j++) d[j] = src[j];
                    for (; j < nr; j++) d[j] = 0f;
                }
            }
        }
    }
}
