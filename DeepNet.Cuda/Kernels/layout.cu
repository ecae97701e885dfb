// Data movement: strided box copies (Slice, Pad, Concat, Transpose), Tile, Gather, ScatterAdd.
// Values move as raw 4- or 8-byte words (_u32 / _u64), so one kernel serves float32, int32 and
// int64; ScatterAdd adds, so it has one kernel per element type.
#include "common.cuh"

// dst[dstOffset + Σ idx_d·dstStrides_d] = src[srcOffset + Σ idx_d·srcStrides_d] for every index of
// the box `sizes`. A transpose is the box of y's dims with x's strides permuted.
#define COPY_BOX(NAME, T) \
extern "C" __global__ void NAME(i64 n, int rank, Dims sizes, Dims srcStrides, i64 srcOffset, Dims dstStrides, i64 dstOffset, \
    const T* src, T* dst) \
{ \
    GRID_STRIDE(i, n) \
    { \
        i64 so, d; \
        strided_offset2(i, rank, sizes, srcStrides, dstStrides, so, d); \
        dst[dstOffset + d] = src[srcOffset + so]; \
    } \
}
COPY_BOX(copy_box_u32, u32)
COPY_BOX(copy_box_u64, u64)

// y (contiguous, dims ySizes) = x tiled: x index = y index mod x's dims along every axis.
#define TILE(NAME, T) \
extern "C" __global__ void NAME(i64 n, int rank, Dims ySizes, Dims xSizes, Dims xStrides, const T* x, T* y) \
{ \
    GRID_STRIDE(i, n) \
    { \
        i64 rest = i, offset = 0; \
        for (int d = rank - 1; d >= 0; --d) \
        { \
            i64 q = rest / ySizes.v[d]; \
            i64 index = rest - q * ySizes.v[d]; \
            offset += (index % xSizes.v[d]) * xStrides.v[d]; \
            rest = q; \
        } \
        y[i] = x[offset]; \
    } \
}
TILE(tile_u32, u32)
TILE(tile_u64, u64)

__device__ __forceinline__ i64 index_at(const void* indices, int wide, i64 j)
{
    return wide ? ((const i64*)indices)[j] : (i64)((const int*)indices)[j];
}

// x seen as (outer, axisDim, inner), y as (outer, n, inner) with n = number of indices. An index
// outside [0, axisDim) gives zeros instead of reading out of bounds and is recorded in the error
// record (common.cuh), which the host reads at its next synchronisation.
#define GATHER(NAME, T) \
extern "C" __global__ void NAME(i64 total, i64 n, i64 axisDim, i64 inner, const T* x, const void* indices, int wide, T* y, u64* error) \
{ \
    GRID_STRIDE(t, total) \
    { \
        i64 r = t / inner, c = t - r * inner; \
        i64 o = r / n, j = r - o * n; \
        i64 k = index_at(indices, wide, j); \
        if (k >= 0 && k < axisDim) y[t] = x[(o * axisDim + k) * inner + c]; \
        else \
        { \
            y[t] = (T)0; \
            if (c == 0) report_bad_index(error, DN_OP_GATHER, k, axisDim, j); \
        } \
    } \
}
GATHER(gather_u32, u32)
GATHER(gather_u64, u64)

// The adjoint of gather: y[(o, idx[j], c)] += u[(o, j, c)]. One thread per (o, c) walks the
// indices in ascending order, so repeated indices add in the CPU backend's order with no
// atomics: the result is deterministic and matches the CPU bit for bit. Bad indices are skipped
// and recorded in the error record.
#define SCATTER_ADD(NAME, T) \
extern "C" __global__ void NAME(i64 outer, i64 n, i64 axisDim, i64 inner, const T* u, const void* indices, int wide, T* y, u64* error) \
{ \
    GRID_STRIDE(t, outer * inner) \
    { \
        i64 o = t / inner, c = t - o * inner; \
        for (i64 j = 0; j < n; j++) \
        { \
            i64 k = index_at(indices, wide, j); \
            if (k >= 0 && k < axisDim) y[(o * axisDim + k) * inner + c] += u[(o * n + j) * inner + c]; \
            else if (t == 0) report_bad_index(error, DN_OP_SCATTER_ADD, k, axisDim, j); \
        } \
    } \
}
SCATTER_ADD(scatter_add_f32, float)
SCATTER_ADD(scatter_add_i32, int)
SCATTER_ADD(scatter_add_i64, i64)
