#nullable enable
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// AVX2+FMA micro-kernel: a 6×16 tile of C held in 12 ymm accumulators (two 8-wide B vectors per
/// row, one broadcast of A per row), which leaves 3 of the 16 ymm registers for operands.
/// </summary>
internal static unsafe class MicroKernel256
{
    public const int MR = 6;
    public const int NR = 16;

    /// <summary>
    /// C[6×16] = alpha·(Ã·B̃) + beta·C over one packed A panel (kc×MR, column by column) and one
    /// packed B panel (kc×NR, row by row). beta == 0 stores without reading C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default; Vector256<float> c01 = default;
        Vector256<float> c10 = default; Vector256<float> c11 = default;
        Vector256<float> c20 = default; Vector256<float> c21 = default;
        Vector256<float> c30 = default; Vector256<float> c31 = default;
        Vector256<float> c40 = default; Vector256<float> c41 = default;
        Vector256<float> c50 = default; Vector256<float> c51 = default;
        // Pull the C tile toward L1 while the k loop runs: it is written (and maybe read) only at the end.
        if (Sse.IsSupported)
        {
            for (int i = 0; i < 6; i++)
            {
                Sse.Prefetch0(c + i * ldc + 0);
                Sse.Prefetch0(c + i * ldc + 15);
            }
        }
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b + 0);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00); c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10); c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20); c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30); c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(a4, b0, c40); c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(a5, b0, c50); c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
            a += 6;
            b += 16;
        }
        var va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Vector256.Store(va * c00, c + 0 * ldc + 0); Vector256.Store(va * c01, c + 0 * ldc + 8);
            Vector256.Store(va * c10, c + 1 * ldc + 0); Vector256.Store(va * c11, c + 1 * ldc + 8);
            Vector256.Store(va * c20, c + 2 * ldc + 0); Vector256.Store(va * c21, c + 2 * ldc + 8);
            Vector256.Store(va * c30, c + 3 * ldc + 0); Vector256.Store(va * c31, c + 3 * ldc + 8);
            Vector256.Store(va * c40, c + 4 * ldc + 0); Vector256.Store(va * c41, c + 4 * ldc + 8);
            Vector256.Store(va * c50, c + 5 * ldc + 0); Vector256.Store(va * c51, c + 5 * ldc + 8);
        }
        else
        {
            var vb = Vector256.Create(beta);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c00, vb * Vector256.Load(c + 0 * ldc + 0)), c + 0 * ldc + 0);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c01, vb * Vector256.Load(c + 0 * ldc + 8)), c + 0 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c10, vb * Vector256.Load(c + 1 * ldc + 0)), c + 1 * ldc + 0);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c11, vb * Vector256.Load(c + 1 * ldc + 8)), c + 1 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c20, vb * Vector256.Load(c + 2 * ldc + 0)), c + 2 * ldc + 0);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c21, vb * Vector256.Load(c + 2 * ldc + 8)), c + 2 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c30, vb * Vector256.Load(c + 3 * ldc + 0)), c + 3 * ldc + 0);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c31, vb * Vector256.Load(c + 3 * ldc + 8)), c + 3 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c40, vb * Vector256.Load(c + 4 * ldc + 0)), c + 4 * ldc + 0);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c41, vb * Vector256.Load(c + 4 * ldc + 8)), c + 4 * ldc + 8);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c50, vb * Vector256.Load(c + 5 * ldc + 0)), c + 5 * ldc + 0);
            Vector256.Store(Vector256.FusedMultiplyAdd(va, c51, vb * Vector256.Load(c + 5 * ldc + 8)), c + 5 * ldc + 8);
        }
    }
}
