#nullable enable
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// Portable fallback micro-kernel: a 4×8 tile of C in 8 Vector128 accumulators, for machines
/// without AVX2/FMA (and for ARM64, where Vector128 maps to NEON).
/// </summary>
internal static unsafe class MicroKernel128
{
    public const int MR = 4;
    public const int NR = 8;

    /// <summary>
    /// C[4×8] = alpha·(Ã·B̃) + beta·C over one packed A panel (kc×MR, column by column) and one
    /// packed B panel (kc×NR, row by row). beta == 0 stores without reading C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector128<float> c00 = default; Vector128<float> c01 = default;
        Vector128<float> c10 = default; Vector128<float> c11 = default;
        Vector128<float> c20 = default; Vector128<float> c21 = default;
        Vector128<float> c30 = default; Vector128<float> c31 = default;
        // Pull the C tile toward L1 while the k loop runs: it is written (and maybe read) only at the end.
        if (Sse.IsSupported)
        {
            for (int i = 0; i < 4; i++)
            {
                Sse.Prefetch0(c + i * ldc + 0);
                Sse.Prefetch0(c + i * ldc + 7);
            }
        }
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b + 0);
            var b1 = Vector128.Load(b + 4);
            var a0 = Vector128.Create(a[0]);
            c00 = Vector128.FusedMultiplyAdd(a0, b0, c00); c01 = Vector128.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector128.Create(a[1]);
            c10 = Vector128.FusedMultiplyAdd(a1, b0, c10); c11 = Vector128.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector128.Create(a[2]);
            c20 = Vector128.FusedMultiplyAdd(a2, b0, c20); c21 = Vector128.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector128.Create(a[3]);
            c30 = Vector128.FusedMultiplyAdd(a3, b0, c30); c31 = Vector128.FusedMultiplyAdd(a3, b1, c31);
            a += 4;
            b += 8;
        }
        var va = Vector128.Create(alpha);
        if (beta == 0f)
        {
            Vector128.Store(va * c00, c + 0 * ldc + 0); Vector128.Store(va * c01, c + 0 * ldc + 4);
            Vector128.Store(va * c10, c + 1 * ldc + 0); Vector128.Store(va * c11, c + 1 * ldc + 4);
            Vector128.Store(va * c20, c + 2 * ldc + 0); Vector128.Store(va * c21, c + 2 * ldc + 4);
            Vector128.Store(va * c30, c + 3 * ldc + 0); Vector128.Store(va * c31, c + 3 * ldc + 4);
        }
        else
        {
            var vb = Vector128.Create(beta);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c00, vb * Vector128.Load(c + 0 * ldc + 0)), c + 0 * ldc + 0);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c01, vb * Vector128.Load(c + 0 * ldc + 4)), c + 0 * ldc + 4);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c10, vb * Vector128.Load(c + 1 * ldc + 0)), c + 1 * ldc + 0);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c11, vb * Vector128.Load(c + 1 * ldc + 4)), c + 1 * ldc + 4);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c20, vb * Vector128.Load(c + 2 * ldc + 0)), c + 2 * ldc + 0);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c21, vb * Vector128.Load(c + 2 * ldc + 4)), c + 2 * ldc + 4);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c30, vb * Vector128.Load(c + 3 * ldc + 0)), c + 3 * ldc + 0);
            Vector128.Store(Vector128.FusedMultiplyAdd(va, c31, vb * Vector128.Load(c + 3 * ldc + 4)), c + 3 * ldc + 4);
        }
    }
}
