#nullable enable
using DeepNet.Cuda.Interop;

namespace DeepNet.Cuda.Memory;

/// <summary>cuMemAlloc/cuMemFree on the current context, for <see cref="CachingAllocator"/>.</summary>
internal sealed unsafe class DriverMemory : IDeviceMemory
{
    private readonly Action _enterContext;

    public DriverMemory(Action enterContext) => _enterContext = enterContext;

    public bool TryAllocate(long bytes, out ulong address)
    {
        _enterContext();
        ulong p;
        int status = CudaDriver.cuMemAlloc(&p, (nuint)bytes);
        address = p;
        if (status == CudaDriver.CUDA_ERROR_OUT_OF_MEMORY) return false;
        CudaDriver.Check(status, $"cuMemAlloc_v2({bytes})");
        return true;
    }

    public void Free(ulong address)
    {
        _enterContext();
        CudaDriver.Check(CudaDriver.cuMemFree(address));
    }

    public string Describe()
    {
        nuint free, total;
        return CudaDriver.cuMemGetInfo(&free, &total) == 0
            ? $"The device has {(ulong)free:N0} of {(ulong)total:N0} bytes free."
            : "The device's free memory could not be read.";
    }
}
