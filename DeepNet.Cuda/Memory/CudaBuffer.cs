#nullable enable
using DeepNet.Memory;

namespace DeepNet.Cuda.Memory;

/// <summary>Device memory of a CUDA tensor: one block of the backend's <see cref="CachingAllocator"/>.</summary>
public sealed class CudaBuffer : DeviceBuffer
{
    private readonly CachingAllocator _allocator;
    private readonly CachingAllocator.Block _block;

    internal CudaBuffer(CachingAllocator allocator, long byteLength) : base(byteLength)
    {
        _allocator = allocator;
        _block = allocator.Allocate(byteLength);
    }

    /// <summary>The device address (CUdeviceptr) of the first byte; valid until the buffer is released.</summary>
    public ulong Pointer => _block.Address;

    protected override void Release() => _allocator.Free(_block);
}
