// Batch normalization over x seen as rows × C (C = last axis), the CPU backend's formulas:
// biased variance from a second pass on centred values (no cancellation when |mean| ≫ std),
// sums in double, y = x·scale + shift with scale = γ/√(σ²+ε), shift = β − μ·scale.
// Statistics: a block of DN_BLOCK threads covers BN_CHANNELS consecutive channels (one warp-wide
// row slice, so loads are coalesced) × BN_ROW_LANES row lanes; each lane strides the rows, and the
// lanes are combined in a fixed order, so results do not change from run to run.
#include "common.cuh"

#define BN_CHANNELS 32
#define BN_ROW_LANES (DN_BLOCK / BN_CHANNELS)

// Sums the BN_ROW_LANES partials of each channel of the block (lane 0 gets the total).
__device__ __forceinline__ double lanes_sum(double v, double* shared)
{
    int channel = threadIdx.x % BN_CHANNELS, lane = threadIdx.x / BN_CHANNELS;
    shared[lane * BN_CHANNELS + channel] = v;
    __syncthreads();
    double total = 0.0;
    if (lane == 0)
    {
        for (int l = 0; l < BN_ROW_LANES; l++) total += shared[l * BN_CHANNELS + channel];
    }
    __syncthreads();
    return total;
}

// mean[c] = Σ x / rows; variance[c] = Σ (x − mean[c])² / rows (0 for no rows).
extern "C" __global__ void bn_stats(i64 rows, int channels, const float* x, float* mean, float* variance)
{
    __shared__ double shared[DN_BLOCK];
    __shared__ float center[BN_CHANNELS];
    int lane = threadIdx.x / BN_CHANNELS;
    for (int c0 = blockIdx.x * BN_CHANNELS; c0 < channels; c0 += gridDim.x * BN_CHANNELS)
    {
        int c = c0 + threadIdx.x % BN_CHANNELS;
        bool active = c < channels;
        double s = 0.0;
        if (active)
        {
            for (i64 r = lane; r < rows; r += BN_ROW_LANES) s += (double)x[r * channels + c];
        }
        double total = lanes_sum(s, shared);
        if (lane == 0 && active)
        {
            float m = rows == 0 ? 0.0f : (float)(total / (double)rows);
            mean[c] = m;
            center[threadIdx.x] = m;
        }
        __syncthreads();
        double q = 0.0;
        if (active)
        {
            float m = center[threadIdx.x % BN_CHANNELS];
            for (i64 r = lane; r < rows; r += BN_ROW_LANES)
            {
                float d = x[r * channels + c] - m;
                q += (double)d * (double)d;
            }
        }
        total = lanes_sum(q, shared);
        if (lane == 0 && active) variance[c] = rows == 0 ? 0.0f : (float)(total / (double)rows);
        __syncthreads();
    }
}

// y = x·scale + shift per channel (x may be y).
extern "C" __global__ void bn_apply(i64 n, int channels, const float* x, const float* gamma, const float* beta,
    const float* mean, const float* variance, float epsilon, float* y)
{
    GRID_STRIDE(i, n)
    {
        int c = (int)(i % channels);
        double s = (double)gamma[c] / sqrt((double)variance[c] + (double)epsilon);
        float scale = (float)s;
        float shift = (float)((double)beta[c] - (double)mean[c] * s);
        y[i] = x[i] * scale + shift;
    }
}

// dBeta[c] = Σ dy; dGamma[c] = Σ dy·(x − mean[c]) / √(σ²+ε).
extern "C" __global__ void bn_backward_sums(i64 rows, int channels, const float* x, const float* dy, const float* mean,
    const float* variance, float epsilon, float* dGamma, float* dBeta)
{
    __shared__ double shared[DN_BLOCK];
    int lane = threadIdx.x / BN_CHANNELS;
    for (int c0 = blockIdx.x * BN_CHANNELS; c0 < channels; c0 += gridDim.x * BN_CHANNELS)
    {
        int c = c0 + threadIdx.x % BN_CHANNELS;
        bool active = c < channels;
        double sumDy = 0.0, sumDyXc = 0.0;
        if (active)
        {
            float m = mean[c];
            for (i64 r = lane; r < rows; r += BN_ROW_LANES)
            {
                float g = dy[r * channels + c];
                sumDy += (double)g;
                sumDyXc += (double)g * (double)(x[r * channels + c] - m);
            }
        }
        double totalDy = lanes_sum(sumDy, shared);
        double totalDyXc = lanes_sum(sumDyXc, shared);
        if (lane == 0 && active)
        {
            double rstd = 1.0 / sqrt((double)variance[c] + (double)epsilon);
            dGamma[c] = (float)(totalDyXc * rstd);
            dBeta[c] = (float)totalDy;
        }
        __syncthreads();
    }
}

// dx = γ·r·(dy − dβ/M − x̂·dγ/M) = a·dy + (b·x + k), r = 1/√(σ²+ε), M = rows (dx may alias x or dy).
extern "C" __global__ void bn_backward_apply(i64 n, i64 rows, int channels, const float* x, const float* dy, const float* gamma,
    const float* mean, const float* variance, const float* dGamma, const float* dBeta, float epsilon, float* dx)
{
    GRID_STRIDE(i, n)
    {
        int c = (int)(i % channels);
        double r = 1.0 / sqrt((double)variance[c] + (double)epsilon);
        double inv = rows == 0 ? 0.0 : 1.0 / (double)rows;
        double ad = (double)gamma[c] * r;
        double bd = -ad * r * (double)dGamma[c] * inv;
        float a = (float)ad, b = (float)bd;
        float k = (float)(-ad * (double)dBeta[c] * inv - bd * (double)mean[c]);
        dx[i] = dy[i] * a + (x[i] * b + k);
    }
}

// invStd[c] = 1/√(variance[c] + ε), in double and rounded once: the "saved inverse variance"
// cuDNN's batch norm backward takes, so it uses the statistics the caller passes.
extern "C" __global__ void bn_inv_std(i64 channels, const float* variance, float epsilon, float* invStd)
{
    GRID_STRIDE(i, channels) invStd[i] = (float)(1.0 / sqrt((double)variance[i] + (double)epsilon));
}
