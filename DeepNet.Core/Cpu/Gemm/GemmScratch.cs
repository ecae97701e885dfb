#nullable enable
using System.Runtime.InteropServices;

namespace DeepNet.Backends.Cpu;

/// <summary>
/// Per-thread packing buffers, 64-byte aligned and kept for the thread's lifetime, so a GEMM in the
/// steady state allocates nothing: each buffer only grows, to the largest block the thread has packed.
/// </summary>
internal static unsafe class GemmScratch
{
    [ThreadStatic] private static Buffer? t_a;
    [ThreadStatic] private static Buffer? t_b;

    /// <summary>A buffer of at least <paramref name="floats"/> floats for packed A on this thread.</summary>
    public static float* A(long floats) => (t_a ??= new Buffer()).Get(floats);

    /// <summary>A buffer of at least <paramref name="floats"/> floats for packed B on this thread.</summary>
    public static float* B(long floats) => (t_b ??= new Buffer()).Get(floats);

    private sealed class Buffer
    {
        private float* _p;
        private long _capacity;

        public float* Get(long floats)
        {
            if (floats > _capacity)
            {
                NativeMemory.AlignedFree(_p);
                _p = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
                _capacity = floats;
            }
            return _p;
        }

        // Frees the memory when the thread (and with it this object) goes away.
        ~Buffer() => NativeMemory.AlignedFree(_p);
    }
}
