#nullable enable
namespace DeepNet.Memory;

/// <summary>
/// A block of memory on one device, owned by the backend that allocated it. Tensors share a
/// buffer (a reshape is a view), so the buffer counts references and goes back to its backend's
/// pool when the last tensor using it is disposed: device memory never waits for the GC.
/// </summary>
public abstract class DeviceBuffer
{
    private int _references = 1;

    protected DeviceBuffer(long byteLength) => ByteLength = byteLength;

    /// <summary>Size in bytes that callers may use (the pool may hold a larger block behind it).</summary>
    public long ByteLength { get; }

    public bool IsReleased => Volatile.Read(ref _references) <= 0;

    internal void AddReference()
    {
        if (Interlocked.Increment(ref _references) <= 1)
            throw new ObjectDisposedException(nameof(DeviceBuffer), "The buffer was already released.");
    }

    internal void RemoveReference()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left == 0) Release();
        else if (left < 0) throw new ObjectDisposedException(nameof(DeviceBuffer), "The buffer was released twice.");
    }

    /// <summary>Returns the memory to its pool. Called once, when the last reference goes.</summary>
    protected abstract void Release();
}
