// Counter-based random numbers: Philox4x32-10 and the element mapping of the CPU backend's
// DeepNet.Randomness.RandomStream, reproduced exactly so one seed gives the same tensor on both:
//   key (k0, k1) = (low, high 32 bits of seed); element i of a call reads global element
//   e = offset + i, Philox block b = e / 4 under counter (lo(b), hi(b), round, 0), lane e % 4.
//   uniform u = (w >> 8)·2^-24; normal: Box–Muller in double on lane pairs (0,1) and (2,3),
//   even lane r·cos θ, odd lane r·sin θ; truncated normal resamples rounds 1, 2, … while |z| > 2
//   (z = 0 after 64 rounds); dropout keeps u >= rate with value 1/(1−rate).
#include "common.cuh"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u
#define UNIFORM_SCALE (1.0f / 16777216.0f)
#define MAX_TRUNCATED_ROUNDS 64
#define TWO_PI 6.283185307179586

__device__ __forceinline__ uint4 philox(u32 k0, u32 k1, u32 c0, u32 c1, u32 c2, u32 c3)
{
    for (int round = 0; round < 10; round++)
    {
        if (round > 0)
        {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        u32 hi0 = __umulhi(PHILOX_M0, c0), lo0 = PHILOX_M0 * c0;
        u32 hi1 = __umulhi(PHILOX_M1, c2), lo1 = PHILOX_M1 * c2;
        u32 n0 = hi1 ^ c1 ^ k0;
        u32 n2 = hi0 ^ c3 ^ k1;
        c1 = lo1;
        c3 = lo0;
        c0 = n0;
        c2 = n2;
    }
    return make_uint4(c0, c1, c2, c3);
}

__device__ __forceinline__ uint4 block_of(u64 seed, u64 e, u32 round)
{
    u64 b = e >> 2;
    return philox((u32)seed, (u32)(seed >> 32), (u32)b, (u32)(b >> 32), round, 0u);
}

__device__ __forceinline__ u32 lane_word(uint4 w, int lane)
{
    return lane == 0 ? w.x : lane == 1 ? w.y : lane == 2 ? w.z : w.w;
}

__device__ __forceinline__ float to_uniform(u32 w) { return (float)(w >> 8) * UNIFORM_SCALE; }

// The standard normal of element e under resample round `round`.
__device__ float normal_of(u64 seed, u64 e, u32 round)
{
    uint4 w = block_of(seed, e, round);
    int lane = (int)(e & 3);
    u32 a = lane < 2 ? w.x : w.z;
    u32 b = lane < 2 ? w.y : w.w;
    double u1 = (double)((a >> 8) + 1u) * (double)UNIFORM_SCALE;
    double u2 = (double)(b >> 8) * (double)UNIFORM_SCALE;
    double r = sqrt(-2.0 * log(u1));
    double theta = TWO_PI * u2;
    double s, c;
    sincos(theta, &s, &c);
    return (lane & 1) == 0 ? (float)(r * c) : (float)(r * s);
}

extern "C" __global__ void random_uniform(i64 n, float* y, u64 seed, u64 offset, float low, float high)
{
    GRID_STRIDE(i, n)
    {
        u64 e = offset + (u64)i;
        float u = to_uniform(lane_word(block_of(seed, e, 0), (int)(e & 3)));
        float range = high - low;
        float product = range * u;
        float v = low + product;
        y[i] = (v >= high && high > low) ? nextafterf(high, -INFINITY) : v;
    }
}

extern "C" __global__ void random_normal(i64 n, float* y, u64 seed, u64 offset, float mean, float stddev)
{
    GRID_STRIDE(i, n)
    {
        float z = normal_of(seed, offset + (u64)i, 0);
        float product = stddev * z;
        y[i] = mean + product;
    }
}

extern "C" __global__ void random_truncated_normal(i64 n, float* y, u64 seed, u64 offset, float mean, float stddev)
{
    GRID_STRIDE(i, n)
    {
        u64 e = offset + (u64)i;
        float z = normal_of(seed, e, 0);
        if (fabsf(z) > 2.0f)
        {
            float accepted = 0.0f;
            for (u32 round = 1; round < MAX_TRUNCATED_ROUNDS; round++)
            {
                float candidate = normal_of(seed, e, round);
                if (fabsf(candidate) <= 2.0f)
                {
                    accepted = candidate;
                    break;
                }
            }
            z = accepted;
        }
        float product = stddev * z;
        y[i] = mean + product;
    }
}

// keep = 1/(1 − rate), computed on the host in float as the CPU backend does.
extern "C" __global__ void dropout_mask(i64 n, float* mask, u64 seed, u64 offset, float rate, float keep)
{
    GRID_STRIDE(i, n)
    {
        u64 e = offset + (u64)i;
        float u = to_uniform(lane_word(block_of(seed, e, 0), (int)(e & 3)));
        mask[i] = u >= rate ? keep : 0.0f;
    }
}
