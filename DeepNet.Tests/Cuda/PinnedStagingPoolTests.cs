using DeepNet.Cuda.Memory;

namespace DeepNet.Tests.Cuda;

/// <summary>The pinned staging pool's size classes, reuse rule and counters, against a fake host (no GPU needed).</summary>
[TestFixture]
public class PinnedStagingPoolTests
{
    /// <summary>
    /// Hands out host addresses from a counter. An event is "complete" only once the test says the
    /// stream has reached it (<see cref="Finish"/>), or when the pool waits on it.
    /// </summary>
    private sealed class FakeHost : IPinnedHostMemory
    {
        private nint _nextPointer = 0x7000_0000, _nextEvent = 1;
        public readonly Dictionary<nint, long> Live = new();
        public readonly HashSet<nint> Events = new();
        public readonly HashSet<nint> Recorded = new(); // recorded and not yet finished
        public int Allocations, Frees, Waits;

        public nint Allocate(long bytes)
        {
            var p = _nextPointer;
            _nextPointer += (nint)bytes + 4096;
            Live[p] = bytes;
            Allocations++;
            return p;
        }

        public void Free(nint pointer)
        {
            Assert.That(Live.Remove(pointer), Is.True, $"freeing {pointer:x}, which was never allocated");
            Frees++;
        }

        public nint CreateEvent()
        {
            var e = _nextEvent++;
            Events.Add(e);
            return e;
        }

        public void DestroyEvent(nint @event) => Assert.That(Events.Remove(@event), Is.True, "destroying an unknown event");

        public void Record(nint @event)
        {
            Assert.That(Events, Does.Contain(@event));
            Recorded.Add(@event);
        }

        public bool IsComplete(nint @event) => !Recorded.Contains(@event);

        public void Wait(nint @event)
        {
            Waits++;
            Recorded.Remove(@event);
        }

        /// <summary>The stream has run every recorded copy.</summary>
        public void Finish() => Recorded.Clear();
    }

    [TestCase(0, PinnedStagingPool.MinSize)]
    [TestCase(1, PinnedStagingPool.MinSize)]
    [TestCase(PinnedStagingPool.MinSize, PinnedStagingPool.MinSize)]
    [TestCase(PinnedStagingPool.MinSize + 1, 2 * PinnedStagingPool.MinSize)]
    [TestCase(3_000_000, 4L << 20)]
    public void SizeClass_RoundsUpToPowerOfTwoAtLeastMinSize(long bytes, long expected) =>
        Assert.That(PinnedStagingPool.SizeClass(bytes), Is.EqualTo(expected));

    [Test]
    public void Rent_AfterReturnWithNoCopyInFlight_ReusesTheBuffer()
    {
        var host = new FakeHost();
        var pool = new PinnedStagingPool(host);
        nint first = 0;
        for (int i = 0; i < 100; i++)
        {
            var b = pool.Rent(1000 + i);
            if (i == 0) first = b.Pointer;
            Assert.That(b.Pointer, Is.EqualTo(first), "a download's buffer is free again after the sync");
            pool.Return(b, copyInFlight: false);
        }
        Assert.That(host.Allocations, Is.EqualTo(1));
        Assert.That(host.Recorded, Is.Empty, "no event is recorded when no copy is in flight");
        var stats = pool.Stats;
        Assert.That(stats.FreshAllocations, Is.EqualTo(1));
        Assert.That(stats.Reuses, Is.EqualTo(99));
        Assert.That(stats.BytesPinned, Is.EqualTo(PinnedStagingPool.MinSize));
        Assert.That(stats.BytesInUse, Is.EqualTo(0));
    }

    [Test]
    public void Rent_WhileTheLastCopyFromTheBufferIsInFlight_TakesAnotherBuffer()
    {
        var host = new FakeHost();
        var pool = new PinnedStagingPool(host);
        var a = pool.Rent(5000);
        pool.Return(a, copyInFlight: true); // an upload still reads a
        Assert.That(host.Recorded, Does.Contain(a.Event));

        var b = pool.Rent(5000);
        Assert.That(b.Pointer, Is.Not.EqualTo(a.Pointer), "a must not be overwritten before its copy has run");
        pool.Return(b, copyInFlight: true);
        Assert.That(host.Allocations, Is.EqualTo(2));
        Assert.That(host.Waits, Is.EqualTo(0), "below the soft limit the pool allocates rather than waits");

        host.Finish();
        var c = pool.Rent(5000);
        Assert.That(c.Pointer, Is.EqualTo(a.Pointer), "the oldest buffer is reused once its copy has finished");
        Assert.That(pool.Stats.Reuses, Is.EqualTo(1));
    }

    [Test]
    public void Rent_AtTheSoftLimit_WaitsForTheOldestCopyInsteadOfPinningMore()
    {
        var host = new FakeHost();
        var pool = new PinnedStagingPool(host);
        long size = 64L << 20;
        int fits = (int)(PinnedStagingPool.SoftLimit / size);
        var pointers = new List<nint>();
        for (int i = 0; i < fits; i++)
        {
            var b = pool.Rent(size);
            pointers.Add(b.Pointer);
            pool.Return(b, copyInFlight: true);
        }
        Assert.That(host.Allocations, Is.EqualTo(fits));
        Assert.That(pool.Stats.BytesPinned, Is.EqualTo(PinnedStagingPool.SoftLimit));

        var next = pool.Rent(size);
        Assert.That(host.Waits, Is.EqualTo(1));
        Assert.That(next.Pointer, Is.EqualTo(pointers[0]), "the oldest buffer is the one waited for");
        Assert.That(host.Allocations, Is.EqualTo(fits));
        Assert.That(pool.Stats.Waits, Is.EqualTo(1));
    }

    [Test]
    public void Rent_DifferentSizeClasses_DoNotShareBuffers()
    {
        var host = new FakeHost();
        var pool = new PinnedStagingPool(host);
        var small = pool.Rent(100);
        pool.Return(small, copyInFlight: false);
        var large = pool.Rent(1 << 20);
        Assert.That(large.Pointer, Is.Not.EqualTo(small.Pointer));
        Assert.That(large.Size, Is.EqualTo(1L << 20));
        Assert.That(host.Allocations, Is.EqualTo(2));
        Assert.That(pool.Stats.BytesInUse, Is.EqualTo(1L << 20));
    }

    [Test]
    public void Return_Twice_Throws()
    {
        var pool = new PinnedStagingPool(new FakeHost());
        var b = pool.Rent(10);
        pool.Return(b, copyInFlight: false);
        Assert.Throws<InvalidOperationException>(() => pool.Return(b, copyInFlight: false));
    }

    [Test]
    public void ReleaseCached_FreesEveryCachedBufferAndItsEvent()
    {
        var host = new FakeHost();
        var pool = new PinnedStagingPool(host);
        var a = pool.Rent(10);
        var b = pool.Rent(1 << 20);
        pool.Return(a, copyInFlight: false);
        pool.Return(b, copyInFlight: true);
        host.Finish();
        pool.ReleaseCached();
        Assert.That(host.Live, Is.Empty);
        Assert.That(host.Events, Is.Empty);
        Assert.That(pool.Stats.BytesPinned, Is.EqualTo(0));
    }

    [Test]
    public void Dispose_WithABufferStillRented_FreesItWhenReturned()
    {
        var host = new FakeHost();
        var pool = new PinnedStagingPool(host);
        var rented = pool.Rent(10);
        pool.Dispose();
        Assert.That(host.Live, Has.Count.EqualTo(1));
        pool.Return(rented, copyInFlight: false);
        Assert.That(host.Live, Is.Empty);
        Assert.Throws<ObjectDisposedException>(() => pool.Rent(10));
    }
}
