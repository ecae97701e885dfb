#nullable enable
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepNet.Memory;

/// <summary>
/// Host memory of the CPU backend: a pinned block from <see cref="CpuMemoryPool"/>. Pinned, so
/// kernels may take raw pointers without fixing it on every call.
/// </summary>
public sealed unsafe class CpuBuffer : DeviceBuffer
{
    private readonly CpuMemoryPool _pool;
    private readonly byte[] _block;

    internal CpuBuffer(CpuMemoryPool pool, long byteLength) : base(byteLength)
    {
        _pool = pool;
        _block = pool.Rent(byteLength);
        Pointer = Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_block));
    }

    /// <summary>Start of the block; valid until the buffer is released.</summary>
    public void* Pointer { get; }

    /// <summary>The first <paramref name="count"/> elements of type <typeparamref name="T"/>.</summary>
    public Span<T> AsSpan<T>(long count) where T : unmanaged
    {
        if (count * sizeof(T) > ByteLength)
            throw new ArgumentOutOfRangeException(nameof(count), $"{count} elements of {typeof(T).Name} exceed the buffer's {ByteLength} bytes.");
        return new Span<T>(Pointer, checked((int)count));
    }

    protected override void Release() => _pool.Return(_block);
}
