#nullable enable
using System.Runtime.CompilerServices;

namespace DeepNet.Randomness;

/// <summary>
/// How Philox4x32-10 output becomes the elements of a random tensor. This is the specification
/// both backends implement; the CUDA kernels must follow it exactly.
///
/// <para><b>Key.</b> key = (k0, k1) = (low 32 bits of seed, high 32 bits of seed).</para>
///
/// <para><b>Element counter.</b> Element i of a call with <c>offset</c> has the global element
/// number e = offset + i (unsigned 64-bit, wrapping). It reads Philox block b = e / 4, lane
/// e % 4, where block b under resample round r (see truncated normal; r = 0 everywhere else) is
/// the Philox counter (c0, c1, c2, c3) = (low 32 bits of b, high 32 bits of b, r, 0). Offsets are
/// therefore counted in elements: a draw of n elements at offset o covers e = o … o+n−1, so a draw
/// of 1000 at offset 0 equals a draw of 300 at offset 0 followed by a draw of 700 at offset 300.
/// A caller that wants independent draws from one seed advances the offset by each draw's size.
/// The value of an element depends only on (seed, e), never on threads or chunking.</para>
///
/// <para><b>Uniform.</b> The lane's word w gives u = (w &gt;&gt; 8) · 2⁻²⁴ in [0, 1) (top 24
/// bits: every value exactly representable in float32). RandomUniform writes
/// low + (high − low)·u, evaluated in float32 as a product then a sum (no fused multiply-add);
/// a result that rounds up to high is replaced by the largest float32 below high.</para>
///
/// <para><b>Normal.</b> Box–Muller on the pairs of a block: lanes 0 and 1 share words (X0, X1),
/// lanes 2 and 3 share (X2, X3). For a pair (a, b): u1 = ((a &gt;&gt; 8) + 1) · 2⁻²⁴ in (0, 1],
/// u2 = (b &gt;&gt; 8) · 2⁻²⁴ (both exact in float64); in float64, r = sqrt(−2.0 · log(u1)) and
/// θ = (2.0 · π) · u2 with π the float64 constant; the even lane takes r·cos θ, the odd lane
/// r·sin θ, each rounded to float32 (z). RandomNormal writes mean + stddev·z in float32 (product,
/// then sum). Float64 transcendentals make the CPU and CUDA results agree bit for bit except
/// where the float64 value lies within a rounding error of a float32 rounding boundary (rare;
/// parity tests should allow one float32 ulp of z).</para>
///
/// <para><b>Truncated normal.</b> Element e first takes the normal z of round r = 0 (the same
/// value RandomNormal gives); while |z| &gt; 2 it takes the normal of the same block and lane
/// under round r = 1, 2, … (counter word c2 = r). Each element thus has its own fixed sequence of
/// candidates. After <see cref="MaxTruncatedRounds"/> rejected rounds (probability 0.0455^64)
/// z = 0. Output mean + stddev·z as for the normal.</para>
///
/// <para><b>Dropout.</b> With u the element's uniform, the element is kept when u ≥ rate; the
/// mask value is 1/(1 − rate) (float32 division) when kept, else 0. So rate 0 keeps all and
/// rate 1 drops all.</para>
/// </summary>
public static class RandomStream
{
    /// <summary>Resample rounds tried by the truncated normal before giving up with z = 0.</summary>
    public const int MaxTruncatedRounds = 64;

    /// <summary>2⁻²⁴, the spacing of the uniform grid.</summary>
    public const float UniformScale = 1f / 16777216f;

    /// <summary>The Philox block holding element <paramref name="e"/> under round <paramref name="round"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Philox4x32.Block BlockOf(ulong seed, ulong e, uint round = 0)
    {
        ulong b = e >> 2;
        return Philox4x32.Generate(seed, (uint)b, (uint)(b >> 32), round, 0u);
    }

    /// <summary>A 32-bit word as a uniform float in [0, 1) from its top 24 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToUniform(uint word) => (word >> 8) * UniformScale;

    /// <summary>A 32-bit word as a uniform float in (0, 1] (Box–Muller radius: never log 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToUniformOpenZero(uint word) => ((word >> 8) + 1) * (double)UniformScale;

    /// <summary>Uniform in [low, high) from u in [0, 1), as specified above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ScaleUniform(float u, float low, float high)
    {
        float range = high - low;
        float product = range * u;
        float y = low + product;
        return y >= high && high > low ? MathF.BitDecrement(high) : y;
    }

    /// <summary>The two standard normals of a Box–Muller pair (words a, b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (float Cos, float Sin) BoxMuller(uint a, uint b)
    {
        double r = Math.Sqrt(-2.0 * Math.Log(ToUniformOpenZero(a)));
        double theta = 2.0 * Math.PI * ((b >> 8) * (double)UniformScale);
        var (sin, cos) = Math.SinCos(theta);
        return ((float)(r * cos), (float)(r * sin));
    }

    /// <summary>The four standard normals of one block, lane order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Normals(in Philox4x32.Block block, Span<float> z)
    {
        var (z0, z1) = BoxMuller(block.X0, block.X1);
        var (z2, z3) = BoxMuller(block.X2, block.X3);
        z[0] = z0;
        z[1] = z1;
        z[2] = z2;
        z[3] = z3;
    }

    /// <summary>mean + stddev·z in float32, product then sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Affine(float z, float mean, float stddev)
    {
        float product = stddev * z;
        return mean + product;
    }

    // ---- one element on its own: the definition the kernels are tested against --------------

    /// <summary>The uniform [0, 1) value of element <paramref name="e"/>.</summary>
    public static float Uniform(ulong seed, ulong e) => ToUniform(BlockOf(seed, e)[(int)(e & 3)]);

    /// <summary>The standard normal of element <paramref name="e"/> under resample round <paramref name="round"/>.</summary>
    public static float Normal(ulong seed, ulong e, uint round = 0)
    {
        var block = BlockOf(seed, e, round);
        int lane = (int)(e & 3);
        var (cos, sin) = lane < 2 ? BoxMuller(block.X0, block.X1) : BoxMuller(block.X2, block.X3);
        return (lane & 1) == 0 ? cos : sin;
    }

    /// <summary>The standard normal truncated to [−2, 2] of element <paramref name="e"/>.</summary>
    public static float TruncatedNormal(ulong seed, ulong e)
    {
        for (uint round = 0; round < MaxTruncatedRounds; round++)
        {
            float z = Normal(seed, e, round);
            if (MathF.Abs(z) <= 2f) return z;
        }
        return 0f;
    }

    /// <summary>The dropout mask value of element <paramref name="e"/>.</summary>
    public static float Dropout(ulong seed, ulong e, float rate) =>
        Uniform(seed, e) >= rate ? 1f / (1f - rate) : 0f;
}
