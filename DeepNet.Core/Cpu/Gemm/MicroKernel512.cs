#nullable enable
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// AVX-512 micro-kernel: an 8×32 tile of C held in 16 zmm accumulators (two 16-wide B vectors
/// per row). Chosen when Vector512 is hardware accelerated.
/// </summary>
internal static unsafe class MicroKernel512
{
    public const int MR = 8;
    public const int NR = 32;

    /// <summary>
    /// C[8×32] = alpha·(Ã·B̃) + beta·C over one packed A panel (kc×MR, column by column) and one
    /// packed B panel (kc×NR, row by row). beta == 0 stores without reading C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default; Vector512<float> c01 = default;
        Vector512<float> c10 = default; Vector512<float> c11 = default;
        Vector512<float> c20 = default; Vector512<float> c21 = default;
        Vector512<float> c30 = default; Vector512<float> c31 = default;
        Vector512<float> c40 = default; Vector512<float> c41 = default;
        Vector512<float> c50 = default; Vector512<float> c51 = default;
        Vector512<float> c60 = default; Vector512<float> c61 = default;
        Vector512<float> c70 = default; Vector512<float> c71 = default;
        // Pull the C tile toward L1 while the k loop runs: it is written (and maybe read) only at the end.
        if (Sse.IsSupported)
        {
            for (int i = 0; i < 8; i++)
            {
                Sse.Prefetch0(c + i * ldc + 0);
                Sse.Prefetch0(c + i * ldc + 16);
                Sse.Prefetch0(c + i * ldc + 31);
            }
        }
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00); c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10); c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20); c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30); c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40); c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50); c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(a6, b0, c60); c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(a7, b0, c70); c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
            a += 8;
            b += 32;
        }
        var va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Vector512.Store(va * c00, c + 0 * ldc + 0); Vector512.Store(va * c01, c + 0 * ldc + 16);
            Vector512.Store(va * c10, c + 1 * ldc + 0); Vector512.Store(va * c11, c + 1 * ldc + 16);
            Vector512.Store(va * c20, c + 2 * ldc + 0); Vector512.Store(va * c21, c + 2 * ldc + 16);
            Vector512.Store(va * c30, c + 3 * ldc + 0); Vector512.Store(va * c31, c + 3 * ldc + 16);
            Vector512.Store(va * c40, c + 4 * ldc + 0); Vector512.Store(va * c41, c + 4 * ldc + 16);
            Vector512.Store(va * c50, c + 5 * ldc + 0); Vector512.Store(va * c51, c + 5 * ldc + 16);
            Vector512.Store(va * c60, c + 6 * ldc + 0); Vector512.Store(va * c61, c + 6 * ldc + 16);
            Vector512.Store(va * c70, c + 7 * ldc + 0); Vector512.Store(va * c71, c + 7 * ldc + 16);
        }
        else
        {
            var vb = Vector512.Create(beta);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c00, vb * Vector512.Load(c + 0 * ldc + 0)), c + 0 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c01, vb * Vector512.Load(c + 0 * ldc + 16)), c + 0 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c10, vb * Vector512.Load(c + 1 * ldc + 0)), c + 1 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c11, vb * Vector512.Load(c + 1 * ldc + 16)), c + 1 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c20, vb * Vector512.Load(c + 2 * ldc + 0)), c + 2 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c21, vb * Vector512.Load(c + 2 * ldc + 16)), c + 2 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c30, vb * Vector512.Load(c + 3 * ldc + 0)), c + 3 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c31, vb * Vector512.Load(c + 3 * ldc + 16)), c + 3 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c40, vb * Vector512.Load(c + 4 * ldc + 0)), c + 4 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c41, vb * Vector512.Load(c + 4 * ldc + 16)), c + 4 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c50, vb * Vector512.Load(c + 5 * ldc + 0)), c + 5 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c51, vb * Vector512.Load(c + 5 * ldc + 16)), c + 5 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c60, vb * Vector512.Load(c + 6 * ldc + 0)), c + 6 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c61, vb * Vector512.Load(c + 6 * ldc + 16)), c + 6 * ldc + 16);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c70, vb * Vector512.Load(c + 7 * ldc + 0)), c + 7 * ldc + 0);
            Vector512.Store(Vector512.FusedMultiplyAdd(va, c71, vb * Vector512.Load(c + 7 * ldc + 16)), c + 7 * ldc + 16);
        }
    }
}
