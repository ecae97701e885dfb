#nullable enable
using DeepNet.Cuda.Interop;

namespace DeepNet.Cuda.Memory;

/// <summary>cuMemHostAlloc/cuMemFreeHost and stream events on the current context, for <see cref="PinnedStagingPool"/>.</summary>
internal sealed unsafe class DriverPinnedMemory : IPinnedHostMemory
{
    private readonly Action _enterContext;
    private readonly nint _stream;

    public DriverPinnedMemory(Action enterContext, nint stream)
    {
        _enterContext = enterContext;
        _stream = stream;
    }

    public nint Allocate(long bytes)
    {
        _enterContext();
        void* p;
        // Flags 0: pinned for this context only, not mapped into the device's address space.
        CudaDriver.Check(CudaDriver.cuMemHostAlloc(&p, (nuint)bytes, 0), $"cuMemHostAlloc({bytes})");
        return (nint)p;
    }

    public void Free(nint pointer)
    {
        _enterContext();
        CudaDriver.Check(CudaDriver.cuMemFreeHost((void*)pointer));
    }

    public nint CreateEvent()
    {
        _enterContext();
        nint e;
        CudaDriver.Check(CudaDriver.cuEventCreate(&e, CudaDriver.CU_EVENT_DISABLE_TIMING));
        return e;
    }

    public void DestroyEvent(nint @event)
    {
        _enterContext();
        CudaDriver.Check(CudaDriver.cuEventDestroy(@event));
    }

    public void Record(nint @event)
    {
        _enterContext();
        CudaDriver.Check(CudaDriver.cuEventRecord(@event, _stream));
    }

    public bool IsComplete(nint @event)
    {
        _enterContext();
        int status = CudaDriver.cuEventQuery(@event);
        if (status == CudaDriver.CUDA_ERROR_NOT_READY) return false;
        CudaDriver.Check(status, "cuEventQuery");
        return true;
    }

    public void Wait(nint @event)
    {
        _enterContext();
        CudaDriver.Check(CudaDriver.cuEventSynchronize(@event));
    }
}
