using System.Collections.Concurrent;
using DeepNet.Keras.Utils;

namespace DeepNet.Tests.Keras.Initializers;

/// <summary>The global seed stream hands out reproducible, non-overlapping draws.</summary>
public class KerasRandomTests
{
    [Test]
    public void SetSeed_RestartsTheSameSequence()
    {
        KerasRandom.SetSeed(42);
        var first = new[] { KerasRandom.NextSeed(), KerasRandom.NextSeed(), KerasRandom.NextSeed() };
        KerasRandom.SetSeed(42);
        var second = new[] { KerasRandom.NextSeed(), KerasRandom.NextSeed(), KerasRandom.NextSeed() };
        Assert.That(second, Is.EqualTo(first));
        Assert.That(KerasRandom.Seed, Is.EqualTo(42));
    }

    [Test]
    public void NextSeed_GivesDisjointCounterRanges()
    {
        KerasRandom.SetSeed(1);
        var a = KerasRandom.NextSeed();
        var b = KerasRandom.NextSeed();
        Assert.That(b.Seed, Is.EqualTo(a.Seed), "one key per stream");
        Assert.That(b.Offset - a.Offset, Is.GreaterThanOrEqualTo(1UL << 32), "room for large draws between offsets");
    }

    [Test]
    public void DifferentSeeds_GiveDifferentKeys_AndExplicitSeedsDifferFromTheStream()
    {
        KerasRandom.SetSeed(42);
        var stream42 = KerasRandom.NextSeed();
        KerasRandom.SetSeed(43);
        var stream43 = KerasRandom.NextSeed();
        Assert.That(stream43.Seed, Is.Not.EqualTo(stream42.Seed));
        Assert.That(KerasRandom.FromSeed(42), Is.Not.EqualTo(stream42));
        Assert.That(KerasRandom.FromSeed(42), Is.EqualTo(KerasRandom.FromSeed(42)));
    }

    [Test]
    public void NextSeed_FromManyThreads_NeverRepeats()
    {
        KerasRandom.SetSeed(7);
        var seen = new ConcurrentBag<ulong>();
        Parallel.For(0, 2000, _ => seen.Add(KerasRandom.NextSeed().Offset));
        Assert.That(seen.Distinct().Count(), Is.EqualTo(2000));
    }

    [Test]
    public void SetSeed_ReseedsTheSharedHostGenerator()
    {
        KerasRandom.SetSeed(5);
        int a = KerasRandom.Shared.Next();
        KerasRandom.SetSeed(5);
        Assert.That(KerasRandom.Shared.Next(), Is.EqualTo(a));
    }
}
