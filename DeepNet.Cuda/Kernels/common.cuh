// Shared definitions of DeepNet's CUDA kernels (passed to NVRTC as the header "common.cuh").
// Conventions: every kernel is extern "C" (no name mangling), takes element counts as 64-bit,
// and walks its elements with a grid-stride loop, so any grid size is correct. Shapes of up to
// DN_MAX_RANK dimensions travel by value in a Dims struct (the host mirrors its layout).
// Kernels are compiled with --fmad=false: a*b+c rounds twice, as the CPU backend's C# does.
#pragma once

#define DN_MAX_RANK 8

// NVRTC has no <math.h> macros.
#ifndef INFINITY
#define INFINITY __int_as_float(0x7f800000)
#endif

typedef long long i64;
typedef unsigned long long u64;
typedef unsigned int u32;

struct Dims
{
    i64 v[DN_MAX_RANK];
};

#define GRID_STRIDE(i, n) \
    for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64)blockDim.x * gridDim.x)

// Offset of row-major linear index i over sizes[0..rank) in a tensor with the given strides.
__device__ __forceinline__ i64 strided_offset(i64 i, int rank, const Dims& sizes, const Dims& strides)
{
    i64 offset = 0;
    for (int d = rank - 1; d >= 0; --d)
    {
        i64 s = sizes.v[d];
        i64 q = i / s;
        offset += (i - q * s) * strides.v[d];
        i = q;
    }
    return offset;
}

// Same, for two tensors at once (broadcasting binary ops).
__device__ __forceinline__ void strided_offset2(i64 i, int rank, const Dims& sizes, const Dims& sa, const Dims& sb, i64& oa, i64& ob)
{
    oa = 0;
    ob = 0;
    for (int d = rank - 1; d >= 0; --d)
    {
        i64 s = sizes.v[d];
        i64 q = i / s;
        i64 r = i - q * s;
        oa += r * sa.v[d];
        ob += r * sb.v[d];
        i = q;
    }
}

// IEEE 754-2019 maximum/minimum: NaN if either is NaN (as TensorPrimitives.Max/Min and
// Math.Max/Min), unlike fmaxf/fminf which drop a NaN.
__device__ __forceinline__ float dn_max(float a, float b) { return (a != a || b != b) ? a + b : fmaxf(a, b); }
__device__ __forceinline__ float dn_min(float a, float b) { return (a != a || b != b) ? a + b : fminf(a, b); }
__device__ __forceinline__ double dn_max(double a, double b) { return (a != a || b != b) ? a + b : fmax(a, b); }
__device__ __forceinline__ double dn_min(double a, double b) { return (a != a || b != b) ? a + b : fmin(a, b); }

// Block-wide sum/max for blockDim.x == DN_BLOCK (a power of two). Every thread gets the result.
#define DN_BLOCK 256

__device__ __forceinline__ double block_sum(double v, double* shared)
{
    shared[threadIdx.x] = v;
    __syncthreads();
    for (int s = DN_BLOCK / 2; s > 0; s >>= 1)
    {
        if (threadIdx.x < s) shared[threadIdx.x] += shared[threadIdx.x + s];
        __syncthreads();
    }
    double result = shared[0];
    __syncthreads();
    return result;
}

__device__ __forceinline__ double block_max(double v, double* shared)
{
    shared[threadIdx.x] = v;
    __syncthreads();
    for (int s = DN_BLOCK / 2; s > 0; s >>= 1)
    {
        if (threadIdx.x < s) shared[threadIdx.x] = dn_max(shared[threadIdx.x], shared[threadIdx.x + s]);
        __syncthreads();
    }
    double result = shared[0];
    __syncthreads();
    return result;
}

__device__ __forceinline__ double block_min(double v, double* shared)
{
    shared[threadIdx.x] = v;
    __syncthreads();
    for (int s = DN_BLOCK / 2; s > 0; s >>= 1)
    {
        if (threadIdx.x < s) shared[threadIdx.x] = dn_min(shared[threadIdx.x], shared[threadIdx.x + s]);
        __syncthreads();
    }
    double result = shared[0];
    __syncthreads();
    return result;
}

__device__ __forceinline__ double block_prod(double v, double* shared)
{
    shared[threadIdx.x] = v;
    __syncthreads();
    for (int s = DN_BLOCK / 2; s > 0; s >>= 1)
    {
        if (threadIdx.x < s) shared[threadIdx.x] *= shared[threadIdx.x + s];
        __syncthreads();
    }
    double result = shared[0];
    __syncthreads();
    return result;
}

// Device error record (one per backend, 4 words): the first kernel to meet a bad index claims word
// 0 with its op id (DN_OP_*, mirrored by CudaBackend.DeviceCheckOp) and writes the index, its bound
// and its position. The host reads the record at its next synchronisation and throws.
#define DN_OP_GATHER 1
#define DN_OP_SCATTER_ADD 2

__device__ __forceinline__ void report_bad_index(u64* error, int op, i64 index, i64 bound, i64 position)
{
    if (atomicCAS(error, 0ULL, (u64)op) == 0ULL)
    {
        error[1] = (u64)index;
        error[2] = (u64)bound;
        error[3] = (u64)position;
    }
}
