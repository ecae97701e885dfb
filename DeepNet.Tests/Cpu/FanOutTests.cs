using DeepNet.Backends.Cpu;

namespace DeepNet.Tests.Cpu;

public class FanOutTests
{
    [TestCase(1, 1)]
    [TestCase(7, 1)]
    [TestCase(3, 8)]
    [TestCase(1000, 3)]
    public void For_RunsEveryIndexExactlyOnce(int count, int workers)
    {
        var runs = new int[count];
        FanOut.For(count, workers, i => Interlocked.Increment(ref runs[i]));
        Assert.That(runs, Is.All.EqualTo(1));
    }

    [Test]
    public void For_ZeroCount_RunsNothing()
    {
        int runs = 0;
        FanOut.For(0, 4, _ => Interlocked.Increment(ref runs));
        Assert.That(runs, Is.Zero);
    }

    [Test]
    public void For_BodyThrows_RethrowsOnTheCallerAfterTheOtherIndicesFinish()
    {
        var runs = new int[64];
        var e = Assert.Throws<InvalidOperationException>(() => FanOut.For(64, 4, i =>
        {
            Interlocked.Increment(ref runs[i]);
            if (i == 5) throw new InvalidOperationException("index 5");
        }));
        Assert.That(e!.Message, Is.EqualTo("index 5"));
        Assert.That(runs, Is.All.EqualTo(1));
    }

    [Test]
    public void For_ReturnsOnlyWhenEveryIndexHasFinished()
    {
        var done = new bool[8];
        FanOut.For(8, 2, i =>
        {
            Thread.Sleep(i % 2 == 0 ? 1 : 10);
            Volatile.Write(ref done[i], true);
        });
        Assert.That(done, Is.All.True);
    }
}
