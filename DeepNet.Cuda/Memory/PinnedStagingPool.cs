#nullable enable
namespace DeepNet.Cuda.Memory;

/// <summary>
/// Page-locked (pinned) host buffers that host↔device copies stage through. From pinned memory
/// cuMemcpyHtoDAsync really is asynchronous (the DMA engine reads the buffer while the host goes
/// on); from pageable memory the driver first copies into a staging buffer of its own and the
/// call blocks. cuMemHostAlloc is slow (it locks pages), so buffers are kept and reused, like the
/// device blocks of <see cref="CachingAllocator"/>.
/// Policy:
/// - size classes: a request is rounded up to a power of two, at least <see cref="MinSize"/>; each
///   class keeps its returned buffers in a FIFO queue (the oldest is the likeliest finished);
/// - reuse rule: a buffer handed back right after queueing an async copy that reads (upload) or
///   writes (download) it is still in use by the device. <see cref="Return"/> records an event on
///   the stream after that copy, and <see cref="Rent"/> reuses a buffer only once its event has
///   completed. Otherwise it allocates a new one, unless the pool already pins
///   <see cref="SoftLimit"/> bytes: then it waits for the oldest buffer of the class (an event
///   wait, never a whole-device sync), which bounds pinned memory under a long run of uploads;
/// - a buffer returned with no copy in flight (a download the host already synchronised) is
///   free at once and records no event.
/// Thread-safe (one lock). <see cref="Stats"/> counts bytes pinned, fresh allocations, reuses and waits.
/// </summary>
internal sealed class PinnedStagingPool : IDisposable
{
    public const long MinSize = 64L << 10;
    public const long SoftLimit = 256L << 20;

    private readonly IPinnedHostMemory _host;
    private readonly object _lock = new();
    private readonly Dictionary<long, Queue<Staging>> _free = new();
    private long _pinned, _inUse, _fresh, _reuses, _waits;
    private bool _disposed;

    public PinnedStagingPool(IPinnedHostMemory host) => _host = host;

    /// <summary>A pinned host buffer and the event that marks the end of the last copy using it.</summary>
    internal sealed class Staging
    {
        public nint Pointer;
        public long Size;
        public nint Event;
        public bool Pending; // Event was recorded after a copy and may not have completed yet
        public bool Rented;
    }

    public PinnedPoolStats Stats
    {
        get
        {
            lock (_lock) return new PinnedPoolStats(_pinned, _inUse, _fresh, _reuses, _waits);
        }
    }

    /// <summary>The size class of a request of <paramref name="bytes"/> bytes.</summary>
    public static long SizeClass(long bytes) => bytes <= MinSize ? MinSize : (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)bytes);

    /// <summary>A pinned buffer of at least <paramref name="bytes"/> bytes that no device copy is using.</summary>
    public Staging Rent(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long size = SizeClass(bytes);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Staging? buffer = null;
            if (_free.TryGetValue(size, out var queue) && queue.Count > 0)
            {
                var oldest = queue.Peek();
                if (!oldest.Pending || _host.IsComplete(oldest.Event))
                {
                    buffer = queue.Dequeue();
                }
                else if (_pinned + size > SoftLimit)
                {
                    _host.Wait(oldest.Event);
                    _waits++;
                    buffer = queue.Dequeue();
                }
                if (buffer is not null) _reuses++;
            }
            if (buffer is null)
            {
                buffer = new Staging { Pointer = _host.Allocate(size), Size = size };
                try
                {
                    buffer.Event = _host.CreateEvent();
                }
                catch
                {
                    _host.Free(buffer.Pointer);
                    throw;
                }
                _pinned += size;
                _fresh++;
            }
            buffer.Pending = false;
            buffer.Rented = true;
            _inUse += size;
            return buffer;
        }
    }

    /// <summary>
    /// Gives a buffer back. <paramref name="copyInFlight"/>: an async copy using it was queued on
    /// the stream and the host has not synchronised since; an event is recorded after it so the
    /// buffer is not reused before the copy has finished.
    /// </summary>
    public void Return(Staging buffer, bool copyInFlight)
    {
        lock (_lock)
        {
            if (!buffer.Rented) throw new InvalidOperationException("A pinned staging buffer was returned twice.");
            buffer.Rented = false;
            _inUse -= buffer.Size;
            if (copyInFlight) _host.Record(buffer.Event);
            buffer.Pending = copyInFlight;
            if (_disposed)
            {
                Release(buffer);
                return;
            }
            if (!_free.TryGetValue(buffer.Size, out var queue)) _free[buffer.Size] = queue = new Queue<Staging>();
            queue.Enqueue(buffer);
        }
    }

    /// <summary>Frees every cached buffer; the caller has synchronised the stream, so no copy still uses them.</summary>
    public void ReleaseCached()
    {
        lock (_lock)
        {
            foreach (var queue in _free.Values)
            {
                while (queue.Count > 0) Release(queue.Dequeue());
            }
            _free.Clear();
        }
    }

    private void Release(Staging buffer)
    {
        _host.DestroyEvent(buffer.Event);
        _host.Free(buffer.Pointer);
        _pinned -= buffer.Size;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            ReleaseCached();
            _disposed = true;
        }
    }
}

/// <summary>The driver calls behind <see cref="PinnedStagingPool"/> (a fake in the pool's tests).</summary>
internal interface IPinnedHostMemory
{
    /// <summary>Page-locked host memory (cuMemHostAlloc); throws when none can be had.</summary>
    nint Allocate(long bytes);

    void Free(nint pointer);

    nint CreateEvent();

    void DestroyEvent(nint @event);

    /// <summary>Records the event on the backend's stream, after the work queued so far.</summary>
    void Record(nint @event);

    /// <summary>Whether the work before the event's last record has finished (cuEventQuery; does not block).</summary>
    bool IsComplete(nint @event);

    /// <summary>Blocks until the work before the event's last record has finished.</summary>
    void Wait(nint @event);
}
