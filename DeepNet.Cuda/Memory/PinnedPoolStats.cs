#nullable enable
namespace DeepNet.Cuda.Memory;

/// <summary>
/// Counters of a <see cref="PinnedStagingPool"/>: page-locked bytes held (in use or cached),
/// bytes rented out now, buffers taken from the driver, rents served by a cached buffer, and
/// rents that had to wait for a copy still reading or writing the oldest buffer of their class.
/// </summary>
public readonly record struct PinnedPoolStats(long BytesPinned, long BytesInUse, long FreshAllocations, long Reuses, long Waits);
