using DeepNet.Keras.Utils;

namespace DeepNet.Keras.Layers;

/// <summary>
/// Seeds for a random layer's draws (Keras <c>SeedGenerator</c>): with a seed, the layer's own
/// reproducible stream; without, the global stream of <see cref="KerasRandom"/>. Thread-safe.
/// </summary>
public sealed class SeedGenerator
{
    private readonly (ulong Seed, ulong Offset)? _base;
    private long _draws;

    public SeedGenerator(int? seed)
    {
        Seed = seed;
        if (seed is int s) _base = KerasRandom.FromSeed(s);
    }

    public int? Seed { get; }

    /// <summary>The (key, first counter) of the next draw.</summary>
    public (ulong Seed, ulong Offset) Next()
    {
        if (_base is not { } b) return KerasRandom.NextSeed();
        ulong draw = (ulong)(Interlocked.Increment(ref _draws) - 1);
        return (b.Seed, b.Offset + (draw << 40));
    }
}
