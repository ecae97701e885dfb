#nullable enable
using System.Runtime.CompilerServices;

// Namespace "Randomness", not "Random": a DeepNet.Random namespace would hide System.Random
// inside every DeepNet.* namespace.
namespace DeepNet.Randomness;

/// <summary>
/// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a
/// counter-based generator, i.e. a pure function from (key, 128-bit counter) to four 32-bit
/// words. No state, so any element of a random tensor can be computed on its own, by any thread
/// or GPU block, in any order. The CUDA backend runs the same function; both are checked
/// against the Random123 known-answer vectors (counter 0, key 0 → 6627e8d5 e169c58d bc57ac4c
/// 9b00dbd8). How words become tensor elements is fixed in <see cref="RandomStream"/>.
/// </summary>
public static class Philox4x32
{
    // Multipliers and Weyl key increments from Random123's philox.h; the CUDA kernel repeats them.
    public const uint M0 = 0xD2511F53;
    public const uint M1 = 0xCD9E8D57;
    public const uint W0 = 0x9E3779B9;
    public const uint W1 = 0xBB67AE85;

    /// <summary>Number of rounds (the "-10").</summary>
    public const int Rounds = 10;

    /// <summary>The four output words for counter (c0, c1, c2, c3) under key (k0, k1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block Generate(uint k0, uint k1, uint c0, uint c1, uint c2, uint c3)
    {
        for (int round = 0; round < Rounds; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
            uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
            c1 = (uint)p1;
            c3 = (uint)p0;
            c0 = n0;
            c2 = n2;
        }
        return new Block(c0, c1, c2, c3);
    }

    /// <summary>Same, with the 64-bit key split as (low word, high word).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block Generate(ulong key, uint c0, uint c1, uint c2, uint c3) =>
        Generate((uint)key, (uint)(key >> 32), c0, c1, c2, c3);

    /// <summary>Four 32-bit words of Philox output.</summary>
    public readonly record struct Block(uint X0, uint X1, uint X2, uint X3)
    {
        /// <summary>Word <paramref name="lane"/> (0..3).</summary>
        public uint this[int lane] => lane switch
        {
            0 => X0,
            1 => X1,
            2 => X2,
            _ => X3,
        };
    }
}
