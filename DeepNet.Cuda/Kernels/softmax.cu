// Softmax and log-softmax along the last axis, one block (DN_BLOCK threads) per row. Each row is
// shifted by its max; sums accumulate in double. In place (x == y) is allowed: every element
// is read and then written by the same thread, after the row's reductions.
#include "common.cuh"

extern "C" __global__ void softmax_fwd(i64 rows, int cols, const float* x, float* y, int log_softmax)
{
    __shared__ double shared[DN_BLOCK];
    for (i64 r = blockIdx.x; r < rows; r += gridDim.x)
    {
        const float* xr = x + r * cols;
        float* yr = y + r * cols;
        double m = -INFINITY;
        for (int c = threadIdx.x; c < cols; c += DN_BLOCK) m = dn_max(m, (double)xr[c]);
        float max = (float)block_max(m, shared);
        double s = 0.0;
        for (int c = threadIdx.x; c < cols; c += DN_BLOCK) s += (double)expf(xr[c] - max);
        double sum = block_sum(s, shared);
        if (log_softmax)
        {
            float logSum = (float)log(sum);
            for (int c = threadIdx.x; c < cols; c += DN_BLOCK) yr[c] = (xr[c] - max) - logSum;
        }
        else
        {
            float fsum = (float)sum;
            for (int c = threadIdx.x; c < cols; c += DN_BLOCK) yr[c] = expf(xr[c] - max) / fsum;
        }
    }
}

// Softmax: dx = (dy − Σ dy·y)·y. Log-softmax (y = log-probabilities): dx = dy − exp(y)·Σ dy.
extern "C" __global__ void softmax_bwd(i64 rows, int cols, const float* y, const float* dy, float* dx, int log_softmax)
{
    __shared__ double shared[DN_BLOCK];
    for (i64 r = blockIdx.x; r < rows; r += gridDim.x)
    {
        const float* yr = y + r * cols;
        const float* dyr = dy + r * cols;
        float* dxr = dx + r * cols;
        double s = 0.0;
        if (log_softmax)
        {
            for (int c = threadIdx.x; c < cols; c += DN_BLOCK) s += (double)dyr[c];
            float total = (float)block_sum(s, shared);
            for (int c = threadIdx.x; c < cols; c += DN_BLOCK) dxr[c] = expf(yr[c]) * -total + dyr[c];
        }
        else
        {
            for (int c = threadIdx.x; c < cols; c += DN_BLOCK) s += (double)dyr[c] * (double)yr[c];
            float dot = (float)block_sum(s, shared);
            for (int c = threadIdx.x; c < cols; c += DN_BLOCK) dxr[c] = (dyr[c] + -dot) * yr[c];
        }
    }
}
