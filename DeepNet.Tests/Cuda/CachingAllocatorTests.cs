using DeepNet.Cuda.Memory;

namespace DeepNet.Tests.Cuda;

/// <summary>The caching allocator's policy, against a fake device (no GPU needed).</summary>
[TestFixture]
public class CachingAllocatorTests
{
    /// <summary>Hands out addresses from a counter; fails once <see cref="Capacity"/> would be exceeded.</summary>
    private sealed class FakeDevice : IDeviceMemory
    {
        private ulong _next = 0x1_0000_0000;
        public readonly Dictionary<ulong, long> Live = new();
        public long Capacity = long.MaxValue;
        public int Allocations, Frees;

        public long Used => Live.Values.Sum();

        public bool TryAllocate(long bytes, out ulong address)
        {
            address = 0;
            if (Used + bytes > Capacity) return false;
            address = _next;
            _next += (ulong)bytes + (1 << 20);
            Live[address] = bytes;
            Allocations++;
            return true;
        }

        public void Free(ulong address)
        {
            Assert.That(Live.Remove(address), Is.True, $"freeing {address:x}, which the device never gave out");
            Frees++;
        }

        public string Describe() => "fake device";
    }

    [Test]
    public void Allocate_RoundsTo512Bytes_AndSmallRequestsShareOne2MiBSegment()
    {
        var device = new FakeDevice();
        var allocator = new CachingAllocator(device);
        var a = allocator.Allocate(1);
        var b = allocator.Allocate(513);
        var c = allocator.Allocate(0);
        Assert.That(a.Size, Is.EqualTo(512));
        Assert.That(b.Size, Is.EqualTo(1024));
        Assert.That(c.Size, Is.EqualTo(512));
        Assert.That(device.Allocations, Is.EqualTo(1));
        Assert.That(device.Live.Single().Value, Is.EqualTo(CachingAllocator.SmallSegment));
        Assert.That(b.Address, Is.EqualTo(a.Address + 512), "blocks are carved in address order");
        Assert.That(a.Address % 512, Is.EqualTo(0UL));
        var stats = allocator.Stats;
        Assert.That(stats.BytesInUse, Is.EqualTo(2048));
        Assert.That(stats.BuffersInUse, Is.EqualTo(3));
        Assert.That(stats.BytesCached, Is.EqualTo(CachingAllocator.SmallSegment - 2048));
    }

    [Test]
    public void Free_ThenSameSize_ReusesTheBlock_NoNewDriverAllocation()
    {
        var device = new FakeDevice();
        var allocator = new CachingAllocator(device);
        for (int step = 0; step < 1000; step++)
        {
            var x = allocator.Allocate(4096);
            var y = allocator.Allocate(3 << 20);
            var z = allocator.Allocate(100);
            allocator.Free(y);
            allocator.Free(x);
            allocator.Free(z);
        }
        Assert.That(device.Allocations, Is.EqualTo(2), "one small and one large segment serve every step");
        Assert.That(allocator.Stats.FreshAllocations, Is.EqualTo(2));
        Assert.That(allocator.Stats.BytesInUse, Is.EqualTo(0));
        Assert.That(allocator.Stats.PeakBytesInUse, Is.EqualTo(4096 + (3 << 20) + 512));
    }

    [Test]
    public void Free_MergesNeighbours_SoALargerRequestFitsAgain()
    {
        var device = new FakeDevice();
        var allocator = new CachingAllocator(device);
        var blocks = Enumerable.Range(0, 4).Select(_ => allocator.Allocate(256 << 10)).ToList(); // fills the 2 MiB... half of it
        var rest = allocator.Allocate(1 << 20);                                                   // the other half
        Assert.That(device.Allocations, Is.EqualTo(1));
        // Free the middle two, then the outer ones: all merge back into one 1 MiB free block.
        allocator.Free(blocks[1]);
        allocator.Free(blocks[2]);
        allocator.Free(blocks[0]);
        allocator.Free(blocks[3]);
        var big = allocator.Allocate(1 << 20);
        Assert.That(device.Allocations, Is.EqualTo(1), "the merged block serves the 1 MiB request");
        Assert.That(big.Address, Is.EqualTo(blocks[0].Address));
        allocator.Free(big);
        allocator.Free(rest);
        Assert.That(allocator.Stats.BytesCached, Is.EqualTo(CachingAllocator.SmallSegment));
        allocator.ReleaseCached();
        Assert.That(device.Live, Is.Empty, "a fully free segment goes back to the driver");
        Assert.That(allocator.ReservedBytes, Is.EqualTo(0));
    }

    [Test]
    public void LargeRequests_Below10MiB_Use20MiBSegments_AndSplit()
    {
        var device = new FakeDevice();
        var allocator = new CachingAllocator(device);
        var a = allocator.Allocate(3 << 20);
        var b = allocator.Allocate(5 << 20);
        Assert.That(device.Allocations, Is.EqualTo(1));
        Assert.That(device.Live.Single().Value, Is.EqualTo(CachingAllocator.LargeSegment));
        Assert.That(b.Address, Is.EqualTo(a.Address + (3UL << 20)));
        var huge = allocator.Allocate((33L << 20) + 1);
        Assert.That(device.Live.Values.Max(), Is.EqualTo(34L << 20), "a huge request gets its own segment rounded to 2 MiB");
        Assert.That(huge.Size, Is.EqualTo(34L << 20), "a remainder under 1 MiB is not split off");
        Assert.That(allocator.Stats.BytesInUse, Is.EqualTo((3L << 20) + (5L << 20) + (34L << 20)));
    }

    [Test]
    public void OutOfMemory_ReleasesCachedSegmentsAndRetries_ThenReportsTheCounters()
    {
        var device = new FakeDevice { Capacity = 24L << 20 };
        var allocator = new CachingAllocator(device);
        var a = allocator.Allocate(4 << 20);     // 20 MiB segment
        allocator.Free(a);                        // cached, 20 MiB reserved
        var big = allocator.Allocate(22L << 20); // fits only after the cached segment is released
        Assert.That(big.Size, Is.EqualTo(22L << 20));
        Assert.That(device.Frees, Is.EqualTo(1));
        var e = Assert.Throws<OutOfMemoryException>(() => allocator.Allocate(16L << 20));
        Assert.That(e!.Message, Does.Contain("CUDA out of memory").And.Contain("16,777,216").And.Contain("fake device"));
    }

    [Test]
    public void Free_Twice_Throws()
    {
        var allocator = new CachingAllocator(new FakeDevice());
        var a = allocator.Allocate(10);
        allocator.Free(a);
        Assert.Throws<InvalidOperationException>(() => allocator.Free(a));
    }
}
