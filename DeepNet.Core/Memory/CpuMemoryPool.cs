#nullable enable
using System.Collections.Concurrent;

namespace DeepNet.Memory;

/// <summary>
/// Caching allocator for the CPU backend.
/// Policy:
/// - blocks are pinned byte arrays (pinned object heap), 64-byte aligned by construction of the
///   POH and rounded up to a power of two of at least <see cref="MinBlockBytes"/>, so a training
///   step that repeats the same shapes reuses the same blocks;
/// - a freed block goes back to the free list of its size class; nothing is ever returned to the
///   GC unless <see cref="Trim"/> is called;
/// - stats count bytes in use, the peak, and how many requests needed a fresh array.
/// </summary>
public sealed class CpuMemoryPool
{
    /// <summary>Smallest block handed out, in bytes (one cache line of AVX-512 width).</summary>
    public const int MinBlockBytes = 64;

    private readonly ConcurrentDictionary<long, ConcurrentBag<byte[]>> _free = new();
    private long _bytesInUse;
    private long _peak;
    private long _cached;
    private long _fresh;
    private long _buffersInUse;

    public static CpuMemoryPool Shared { get; } = new();

    /// <summary>Rents a block of at least <paramref name="bytes"/> bytes. Contents are undefined.</summary>
    public byte[] Rent(long bytes)
    {
        long size = RoundUp(bytes);
        byte[]? block = null;
        if (_free.TryGetValue(size, out var bag) && bag.TryTake(out block))
            Interlocked.Add(ref _cached, -size);
        else
        {
            if (size > Array.MaxLength)
                throw new OutOfMemoryException($"A CPU tensor of {bytes:N0} bytes exceeds the largest array .NET can allocate ({Array.MaxLength:N0} bytes).");
            block = GC.AllocateUninitializedArray<byte>((int)size, pinned: true);
            Interlocked.Increment(ref _fresh);
        }
        long inUse = Interlocked.Add(ref _bytesInUse, size);
        Interlocked.Increment(ref _buffersInUse);
        long peak;
        while (inUse > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, inUse, peak) != peak) { }
        return block;
    }

    /// <summary>Puts a block back in the cache of its size class.</summary>
    public void Return(byte[] block)
    {
        long size = block.LongLength;
        _free.GetOrAdd(size, static _ => new ConcurrentBag<byte[]>()).Add(block);
        Interlocked.Add(ref _cached, size);
        Interlocked.Add(ref _bytesInUse, -size);
        Interlocked.Decrement(ref _buffersInUse);
    }

    /// <summary>Drops every cached block so the GC can reclaim it.</summary>
    public void Trim()
    {
        foreach (var bag in _free.Values)
        {
            while (bag.TryTake(out var block)) Interlocked.Add(ref _cached, -block.LongLength);
        }
    }

    public MemoryStats Stats => new(
        Volatile.Read(ref _bytesInUse), Volatile.Read(ref _peak), Volatile.Read(ref _cached),
        Volatile.Read(ref _fresh), Volatile.Read(ref _buffersInUse));

    private static long RoundUp(long bytes)
    {
        if (bytes <= MinBlockBytes) return MinBlockBytes;
        return (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)bytes);
    }
}
