// Elementwise kernels: unary ops, broadcasting binary ops, fills and casts. Op numbers are the
// C# enums' values (DeepNet.Backends.UnaryOp / BinaryOp); formulas follow the CPU backend.
#include "common.cuh"

__device__ float unary_op(int op, float x, float a0, float a1)
{
    switch (op)
    {
        case 0: return -x;                                  // Negate
        case 1: return fabsf(x);                            // Abs
        case 2: return x * x;                               // Square
        case 3: return sqrtf(x);                            // Sqrt
        case 4: return 1.0f / sqrtf(x);                     // Rsqrt (correctly rounded steps, not rsqrtf's 2 ulp)
        case 5: return expf(x);                             // Exp
        case 6: return logf(x);                             // Log
        case 7: return (float)log1p((double)x);             // Log1p
        case 8: return 1.0f / x;                            // Reciprocal
        case 9: return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x == 0.0f ? 0.0f : x; // Sign, NaN stays NaN
        case 10: return floorf(x);                          // Floor
        case 11: return ceilf(x);                           // Ceil
        case 12: return rintf(x);                           // Round, half to even
        case 13: return sinf(x);                            // Sin
        case 14: return cosf(x);                            // Cos
        case 15: return (float)erf((double)x);              // Erf
        case 16: return dn_min(dn_max(x, a0), a1);          // Clip = min(max(x, lo), hi)
        case 17: return powf(x, a0);                        // Pow
        case 18: return x * a0 + a1;                        // Affine (two roundings: --fmad=false)
        case 19: return dn_max(x, a0);                      // MaximumScalar
        case 20: return dn_min(x, a0);                      // MinimumScalar
        default: return __int_as_float(0x7fc00000);
    }
}

__device__ float binary_op(int op, float a, float b)
{
    switch (op)
    {
        case 0: return a + b;
        case 1: return a - b;
        case 2: return a * b;
        case 3: return a / b;
        case 4: return dn_max(a, b);
        case 5: return dn_min(a, b);
        case 6: return powf(a, b);
        case 7: return a == b ? 1.0f : 0.0f;
        case 8: return a != b ? 1.0f : 0.0f;
        case 9: return a > b ? 1.0f : 0.0f;
        case 10: return a >= b ? 1.0f : 0.0f;
        case 11: return a < b ? 1.0f : 0.0f;
        case 12: return a <= b ? 1.0f : 0.0f;
        default: return __int_as_float(0x7fc00000);
    }
}

extern "C" __global__ void unary_f32(int op, i64 n, const float* x, float* y, float a0, float a1)
{
    GRID_STRIDE(i, n) y[i] = unary_op(op, x[i], a0, a1);
}

// Same shapes: no index math.
extern "C" __global__ void binary_same_f32(int op, i64 n, const float* a, const float* b, float* y)
{
    GRID_STRIDE(i, n) y[i] = binary_op(op, a[i], b[i]);
}

// Broadcasting: sizes are y's dims; a and b strides are 0 along the dims they broadcast.
extern "C" __global__ void binary_broadcast_f32(int op, i64 n, int rank, Dims sizes, Dims stridesA, Dims stridesB,
    const float* a, const float* b, float* y)
{
    GRID_STRIDE(i, n)
    {
        i64 oa, ob;
        strided_offset2(i, rank, sizes, stridesA, stridesB, oa, ob);
        y[i] = binary_op(op, a[oa], b[ob]);
    }
}

extern "C" __global__ void fill_u64(i64 n, u64* y, u64 value)
{
    GRID_STRIDE(i, n) y[i] = value;
}

// Casts truncate toward zero and saturate (NaN gives 0), as .NET's ConvertTruncating does.
extern "C" __global__ void cast_f32_i32(i64 n, const float* x, int* y) { GRID_STRIDE(i, n) y[i] = (int)x[i]; }
extern "C" __global__ void cast_f32_i64(i64 n, const float* x, i64* y) { GRID_STRIDE(i, n) y[i] = (i64)x[i]; }
extern "C" __global__ void cast_i32_f32(i64 n, const int* x, float* y) { GRID_STRIDE(i, n) y[i] = (float)x[i]; }
extern "C" __global__ void cast_i64_f32(i64 n, const i64* x, float* y) { GRID_STRIDE(i, n) y[i] = (float)x[i]; }
extern "C" __global__ void cast_i32_i64(i64 n, const int* x, i64* y) { GRID_STRIDE(i, n) y[i] = (i64)x[i]; }
extern "C" __global__ void cast_i64_i32(i64 n, const i64* x, int* y) { GRID_STRIDE(i, n) y[i] = (int)x[i]; }
