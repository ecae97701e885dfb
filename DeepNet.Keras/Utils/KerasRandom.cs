namespace DeepNet.Keras.Utils;

/// <summary>
/// The global source of seeds for every random draw Keras code makes (initial weights, dropout
/// masks, shuffling), like <c>keras.utils.set_random_seed</c>. The backends' random kernels are
/// counter based (Philox): a draw is fully described by a key (<c>Seed</c>) and the counter of
/// its first element (<c>Offset</c>). Each call to <see cref="NextSeed"/> hands out the next
/// disjoint counter range of the global stream, so a run that makes the same draws in the same
/// order after the same <see cref="SetSeed"/> gets the same numbers, whatever the thread count.
/// </summary>
public static class KerasRandom
{
    /// <summary>
    /// Counter space reserved for one draw: 2^40 elements. Draws larger than this would overlap
    /// the next one; no weight or mask is anywhere near that size.
    /// </summary>
    private const int DrawBits = 40;

    // Domain constants keep the global stream and explicitly seeded draws apart, so
    // SetSeed(42) and an initializer built with seed 42 do not produce the same numbers.
    private const ulong GlobalDomain = 0x6A09E667F3BCC908UL;
    private const ulong ExplicitDomain = 0xBB67AE8584CAA73BUL;

    private static readonly object s_lock = new();
    private static ulong s_key = Mix((ulong)Random.Shared.NextInt64() ^ GlobalDomain);
    private static ulong s_draws;
    private static int? s_seed;

    /// <summary>The seed given to <see cref="SetSeed"/>, or null while the stream is unseeded.</summary>
    public static int? Seed
    {
        get { lock (s_lock) return s_seed; }
    }

    /// <summary>
    /// Restarts the global stream from <paramref name="seed"/> (Keras
    /// <c>keras.utils.set_random_seed</c>); also reseeds <see cref="Shared"/>, which shuffling uses.
    /// </summary>
    public static void SetSeed(int seed)
    {
        lock (s_lock)
        {
            s_seed = seed;
            s_key = Mix((ulong)(uint)seed ^ GlobalDomain);
            s_draws = 0;
            s_shared = new Random(seed);
        }
    }

    /// <summary>
    /// The (key, first counter) pair for one draw from the global stream; every call returns a
    /// new, non-overlapping range. Thread-safe.
    /// </summary>
    public static (ulong Seed, ulong Offset) NextSeed()
    {
        lock (s_lock)
        {
            ulong draw = s_draws++;
            return (s_key, draw << DrawBits);
        }
    }

    /// <summary>
    /// The (key, first counter) pair for a draw with an explicit seed (an initializer or layer
    /// built with <c>seed=</c>): the same seed always gives the same numbers.
    /// </summary>
    public static (ulong Seed, ulong Offset) FromSeed(int seed) => (Mix((ulong)(uint)seed ^ ExplicitDomain), 0UL);

    /// <summary>
    /// A host random generator for host-side choices such as shuffling. Seeded by
    /// <see cref="SetSeed"/>; not thread-safe (use it from the training loop's thread).
    /// </summary>
    public static Random Shared
    {
        get { lock (s_lock) return s_shared; }
    }

    private static Random s_shared = new();

    /// <summary>SplitMix64 finaliser: spreads a small seed over all 64 key bits.</summary>
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
