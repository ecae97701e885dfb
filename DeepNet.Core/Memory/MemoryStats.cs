#nullable enable
namespace DeepNet.Memory;

/// <summary>
/// Counters of a backend's allocator. <see cref="FreshAllocations"/> counts requests the pool
/// could not serve from its cache: flat across training steps means no steady-state allocation.
/// </summary>
public readonly record struct MemoryStats(
    long BytesInUse,
    long PeakBytesInUse,
    long BytesCached,
    long FreshAllocations,
    long BuffersInUse);
