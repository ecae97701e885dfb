#nullable enable
using DeepNet.Memory;

namespace DeepNet.Cuda.Memory;

/// <summary>
/// Caching device allocator, after PyTorch's CUDACachingAllocator. cuMemAlloc and cuMemFree are
/// slow and synchronise the device, so memory is taken from the driver in segments and handed
/// out as blocks that return to a cache when freed.
/// Policy:
/// - every request is rounded up to a multiple of <see cref="Alignment"/> (512 B) bytes, at least
///   512 B, so tensors are aligned for vector loads, cuBLAS and cuDNN;
/// - two pools: small requests (≤ 1 MiB) are carved from 2 MiB segments; large ones from segments
///   of 20 MiB when the request is below 10 MiB, else from a segment of exactly the rounded size
///   (rounded to 2 MiB). Small blocks never fragment large segments;
/// - best fit: the smallest free block of the pool that is big enough (ties: lowest address);
/// - split: a block larger than the request is split when the remainder is at least 512 B
///   (small pool) or 1 MiB (large pool); the remainder stays free in the same segment;
/// - free: a freed block is merged with free neighbours of its segment, then cached; nothing goes
///   back to the driver during training;
/// - retry: when the driver reports out of memory, every fully free cached segment is released
///   and the allocation tried once more (for a 20 MiB segment, then at the exact rounded size);
///   if that fails too, the error gives the request and the allocator's counters;
/// - one stream: the backend queues all work on one stream, so a block freed on the host may be
///   reused at once: later work on the stream runs after the work that used it.
/// Thread-safe (one lock); <see cref="Stats"/> counts bytes in use (rounded), the peak, bytes
/// cached, driver allocations (FreshAllocations) and live blocks.
/// </summary>
internal sealed class CachingAllocator
{
    public const long Alignment = 512;
    public const long SmallLimit = 1L << 20;
    public const long SmallSegment = 2L << 20;
    public const long LargeSegment = 20L << 20;
    public const long LargeSegmentLimit = 10L << 20;
    public const long LargeRounding = 2L << 20;
    public const long MinLargeRemainder = 1L << 20;

    private readonly IDeviceMemory _device;
    private readonly object _lock = new();
    private readonly SortedSet<Block> _freeSmall = new(BlockOrder.Instance);
    private readonly SortedSet<Block> _freeLarge = new(BlockOrder.Instance);
    private readonly Block _probe = new();
    private long _inUse, _peak, _cached, _fresh, _live, _reserved;

    public CachingAllocator(IDeviceMemory device) => _device = device;

    /// <summary>A block of device memory: part (or all) of one segment.</summary>
    internal sealed class Block
    {
        public ulong Address;
        public long Size;
        public bool Free;
        public bool Small;
        public Block? Previous, Next; // neighbours in the same segment, by address
    }

    // Free blocks ordered by (size, address): the first block ≥ a probe of (size, 0) is the best fit.
    private sealed class BlockOrder : IComparer<Block>
    {
        public static readonly BlockOrder Instance = new();

        public int Compare(Block? x, Block? y)
        {
            int c = x!.Size.CompareTo(y!.Size);
            return c != 0 ? c : x.Address.CompareTo(y.Address);
        }
    }

    /// <summary>Bytes obtained from the driver and not yet returned.</summary>
    public long ReservedBytes
    {
        get { lock (_lock) return _reserved; }
    }

    public MemoryStats Stats
    {
        get
        {
            lock (_lock) return new MemoryStats(_inUse, _peak, _cached, _fresh, _live);
        }
    }

    /// <summary>The size a request of <paramref name="bytes"/> occupies.</summary>
    public static long RoundSize(long bytes) => bytes <= Alignment ? Alignment : (bytes + Alignment - 1) / Alignment * Alignment;

    /// <summary>Hands out a block of at least <paramref name="bytes"/> bytes.</summary>
    public Block Allocate(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long size = RoundSize(bytes);
        bool small = size <= SmallLimit;
        lock (_lock)
        {
            var pool = small ? _freeSmall : _freeLarge;
            var block = BestFit(pool, size);
            if (block is not null)
            {
                pool.Remove(block);
                _cached -= block.Size;
            }
            else
            {
                block = NewSegment(size, small);
            }
            Split(block, size, pool);
            block.Free = false;
            _inUse += block.Size;
            _live++;
            if (_inUse > _peak) _peak = _inUse;
            return block;
        }
    }

    /// <summary>Returns a block to the cache, merged with its free neighbours.</summary>
    public void Free(Block block)
    {
        lock (_lock)
        {
            if (block.Free) throw new InvalidOperationException("A device block was freed twice.");
            var pool = block.Small ? _freeSmall : _freeLarge;
            block.Free = true;
            _inUse -= block.Size;
            _live--;
            _cached += block.Size;
            if (block.Previous is { Free: true } previous)
            {
                pool.Remove(previous);
                previous.Size += block.Size;
                previous.Next = block.Next;
                if (block.Next is not null) block.Next.Previous = previous;
                block = previous;
            }
            if (block.Next is { Free: true } next)
            {
                pool.Remove(next);
                block.Size += next.Size;
                block.Next = next.Next;
                if (next.Next is not null) next.Next.Previous = block;
            }
            pool.Add(block);
        }
    }

    /// <summary>Returns every fully free segment to the driver (PyTorch's empty_cache).</summary>
    public void ReleaseCached()
    {
        lock (_lock) ReleaseFreeSegments();
    }

    private Block? BestFit(SortedSet<Block> pool, long size)
    {
        if (pool.Count == 0) return null;
        _probe.Size = size;
        _probe.Address = 0;
        var max = pool.Max!;
        if (BlockOrder.Instance.Compare(max, _probe) < 0) return null;
        return pool.GetViewBetween(_probe, max).Min;
    }

    private void Split(Block block, long size, SortedSet<Block> pool)
    {
        long remainder = block.Size - size;
        if (remainder < (block.Small ? Alignment : MinLargeRemainder)) return;
        var rest = new Block
        {
            Address = block.Address + (ulong)size,
            Size = remainder,
            Free = true,
            Small = block.Small,
            Previous = block,
            Next = block.Next,
        };
        if (block.Next is not null) block.Next.Previous = rest;
        block.Next = rest;
        block.Size = size;
        pool.Add(rest);
        _cached += remainder;
    }

    private Block NewSegment(long size, bool small)
    {
        long segment = small ? SmallSegment
            : size < LargeSegmentLimit ? LargeSegment
            : (size + LargeRounding - 1) / LargeRounding * LargeRounding;
        if (!TryDeviceAlloc(segment, out ulong address))
        {
            // Out of memory: give cached segments back and try again, then without over-allocating.
            ReleaseFreeSegments();
            if (!TryDeviceAlloc(segment, out address) && !(segment > size && TryDeviceAlloc(segment = size, out address)))
            {
                throw new OutOfMemoryException(
                    $"CUDA out of memory: could not allocate {size:N0} bytes (segment of {segment:N0}). " +
                    $"In use {_inUse:N0} bytes in {_live} blocks, reserved from the driver {_reserved:N0} bytes, " +
                    $"peak {_peak:N0}. {_device.Describe()}");
            }
        }
        _fresh++;
        _reserved += segment;
        return new Block { Address = address, Size = segment, Small = small, Free = true };
    }

    private bool TryDeviceAlloc(long bytes, out ulong address) => _device.TryAllocate(bytes, out address);

    private void ReleaseFreeSegments()
    {
        foreach (var pool in new[] { _freeSmall, _freeLarge })
        {
            var whole = pool.Where(b => b.Previous is null && b.Next is null).ToList();
            foreach (var block in whole)
            {
                pool.Remove(block);
                _device.Free(block.Address);
                _cached -= block.Size;
                _reserved -= block.Size;
            }
        }
    }
}

/// <summary>The driver calls behind the allocator (a fake in the allocator's tests).</summary>
internal interface IDeviceMemory
{
    /// <summary>False when the device is out of memory; other errors throw.</summary>
    bool TryAllocate(long bytes, out ulong address);

    void Free(ulong address);

    /// <summary>A line about the device's memory for error messages.</summary>
    string Describe();
}
