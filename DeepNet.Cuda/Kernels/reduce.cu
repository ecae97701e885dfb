// Reductions over any set of axes, and argmax. x is seen as (kept, reduced): output o starts at
// strided_offset(o, kept dims, x strides) and sums over the reduced dims' offsets. Accumulation
// is in double for every op (sum, mean, prod; max/min exact), and the order of a block's tree
// reduction is fixed, so results do not change from run to run. Op numbers: ReduceOp (Sum 0,
// Mean 1, Max 2, Min 3, Prod 4).
#include "common.cuh"

__device__ __forceinline__ double reduce_identity(int op)
{
    return op == 2 ? -INFINITY : op == 3 ? INFINITY : op == 4 ? 1.0 : 0.0;
}

__device__ __forceinline__ double reduce_combine(int op, double acc, double v)
{
    return op == 2 ? dn_max(acc, v) : op == 3 ? dn_min(acc, v) : op == 4 ? acc * v : acc + v;
}

// One block per output: for long reductions (count >= a few hundred).
extern "C" __global__ void reduce_block_f32(int op, i64 outputs, i64 count,
    int keptRank, Dims keptSizes, Dims keptStrides, int reducedRank, Dims reducedSizes, Dims reducedStrides,
    const float* x, float* y)
{
    __shared__ double shared[DN_BLOCK];
    for (i64 o = blockIdx.x; o < outputs; o += gridDim.x)
    {
        i64 base = strided_offset(o, keptRank, keptSizes, keptStrides);
        double acc = reduce_identity(op);
        for (i64 m = threadIdx.x; m < count; m += DN_BLOCK)
            acc = reduce_combine(op, acc, (double)x[base + strided_offset(m, reducedRank, reducedSizes, reducedStrides)]);
        double total;
        switch (op)
        {
            case 2: total = block_max(acc, shared); break;
            case 3: total = block_min(acc, shared); break;
            case 4: total = block_prod(acc, shared); break;
            default: total = block_sum(acc, shared); break;
        }
        if (threadIdx.x == 0) y[o] = (float)(op == 1 ? total / (double)count : total);
    }
}

// One thread per output: for short reductions over many outputs.
extern "C" __global__ void reduce_thread_f32(int op, i64 outputs, i64 count,
    int keptRank, Dims keptSizes, Dims keptStrides, int reducedRank, Dims reducedSizes, Dims reducedStrides,
    const float* x, float* y)
{
    GRID_STRIDE(o, outputs)
    {
        i64 base = strided_offset(o, keptRank, keptSizes, keptStrides);
        double acc = reduce_identity(op);
        for (i64 m = 0; m < count; m++)
            acc = reduce_combine(op, acc, (double)x[base + strided_offset(m, reducedRank, reducedSizes, reducedStrides)]);
        y[o] = (float)(op == 1 ? acc / (double)count : acc);
    }
}

// Index of the largest value along an axis of length n (x seen as (outer, n, inner)); the first
// wins on ties and the first NaN wins outright, as numpy's argmax.
extern "C" __global__ void argmax_f32(i64 outputs, i64 n, i64 inner, const float* x, void* indices, int wide)
{
    GRID_STRIDE(o, outputs)
    {
        i64 outer = o / inner, i = o - outer * inner;
        const float* p = x + outer * n * inner + i;
        i64 best = 0;
        float bestValue = p[0];
        if (bestValue == bestValue)
        {
            for (i64 k = 1; k < n; k++)
            {
                float v = p[k * inner];
                if (v > bestValue) { bestValue = v; best = k; }
                else if (v != v) { best = k; break; }
            }
        }
        if (wide) ((i64*)indices)[o] = best;
        else ((int*)indices)[o] = (int)best;
    }
}
