#nullable enable
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// One register-blocked micro-kernel and the cache blocking that suits it: MR×NR is the tile of C
/// kept in registers, KC the depth of a packed panel (an MR×KC sliver of A and a KC×NR sliver of B
/// should stay in L1), MC the rows of a packed A block (in L2) and NC the columns of a packed B block
/// (in L3). The kernel is picked once per process from what the CPU runs natively.
/// </summary>
internal sealed unsafe class GemmKernel
{
    private GemmKernel(string name, int mr, int nr, int kc, int mc, int nc,
        delegate*<int, float*, float*, float*, int, float, float, void> run)
    {
        Name = name; MR = mr; NR = nr; KC = kc; MC = mc; NC = nc; Run = run;
    }

    public string Name { get; }
    public int MR { get; }
    public int NR { get; }
    public int KC { get; }
    public int MC { get; }
    public int NC { get; }

    /// <summary>(kc, packedA, packedB, c, ldc, alpha, beta): one full MR×NR tile of C.</summary>
    public delegate*<int, float*, float*, float*, int, float, float, void> Run { get; }

    // Zen 3/4: 32 KiB L1d, 512 KiB-1 MiB L2. A 6×256 A sliver (6 KiB) plus a 256×16 B sliver (16 KiB)
    // fit L1; a 240×256 A block (240 KiB) fits half of L2.
    public static GemmKernel Avx2 { get; } = new("avx2-6x16", MicroKernel256.MR, MicroKernel256.NR,
        kc: 256, mc: 240, nc: 2048, &MicroKernel256.Run);

    // 8×192 A sliver (6 KiB) + 192×32 B sliver (24 KiB) in L1; 256×192 A block (192 KiB) in L2.
    public static GemmKernel Avx512 { get; } = new("avx512-8x32", MicroKernel512.MR, MicroKernel512.NR,
        kc: 192, mc: 256, nc: 2048, &MicroKernel512.Run);

    public static GemmKernel Portable { get; } = new("vector128-4x8", MicroKernel128.MR, MicroKernel128.NR,
        kc: 256, mc: 128, nc: 2048, &MicroKernel128.Run);

    /// <summary>Every kernel (all run anywhere, the wide ones emulated where not native): for tests.</summary>
    public static IReadOnlyList<GemmKernel> All { get; } = [Avx512, Avx2, Portable];

    /// <summary>The fastest kernel this CPU runs natively.</summary>
    public static GemmKernel Best { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? Avx512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? Avx2
        : Portable;

    public override string ToString() => Name;
}
