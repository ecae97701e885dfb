// Fused activations, forward y = f(x + bias) and backward dx = dy·f'(x). Kind numbers are
// DeepNet.Backends.ActivationKind's values; formulas and constants are the CPU backend's
// (Keras 3's definitions), with the same float/double choices so results agree to an ulp.
#include "common.cuh"

#define SELU_ALPHA 1.6732632423543772f
#define SELU_SCALE 1.0507009873554805f
#define GELU_TANH_SCALE 0.7978845608028654
#define GELU_CUBIC 0.044715
#define INV_SQRT2 0.7071067811865476
#define INV_SQRT_2PI 0.3989422804014327

__device__ __forceinline__ float expm1_accurate(float v) { return (float)expm1((double)v); }

__device__ __forceinline__ float sigmoid(float v) { return 1.0f / (1.0f + expf(-v)); }

__device__ float activation(int kind, float v, float alpha)
{
    switch (kind)
    {
        case 0: return v;                                                        // Linear
        case 1: return dn_max(v, 0.0f);                                          // Relu
        case 2: return dn_min(dn_max(v, 0.0f), 6.0f);                            // Relu6
        case 3: return v > 0.0f ? v : alpha * v;                                 // LeakyRelu
        case 4: return v > 0.0f ? v : alpha * expm1_accurate(v);                 // Elu
        case 5: return v > 0.0f ? SELU_SCALE * v : SELU_SCALE * SELU_ALPHA * expm1_accurate(v); // Selu
        case 6:                                                                  // Gelu (exact)
        {
            double d = v;
            return (float)(0.5 * d * (1.0 + erf(d * INV_SQRT2)));
        }
        case 7:                                                                  // GeluApproximate
        {
            double d = v;
            return (float)(0.5 * d * (1.0 + tanh(GELU_TANH_SCALE * (d + GELU_CUBIC * d * d * d))));
        }
        case 8: return sigmoid(v);                                               // Sigmoid
        case 9:                                                                  // HardSigmoid = relu6(x + 3) / 6
        {
            float t = v + 3.0f;
            return (t < 0.0f ? 0.0f : t > 6.0f ? 6.0f : t) / 6.0f;
        }
        case 10:                                                                 // HardSigmoidKeras2
        {
            float t = 0.2f * v + 0.5f;
            return t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
        }
        case 11: return tanhf(v);                                                // Tanh
        case 12: return dn_max(v, 0.0f) + (float)log1p((double)expf(-fabsf(v))); // Softplus, stable
        case 13: return v / (1.0f + fabsf(v));                                   // Softsign
        case 14: return v * sigmoid(v);                                          // Swish
        case 15: return expf(v);                                                 // Exponential
        default: return __int_as_float(0x7fc00000);
    }
}

// x: pre-activation input (bias included), y: forward output. Piecewise kinds select dy or 0 so
// a zero gradient stays 0 even where dy is not finite.
__device__ float activation_grad(int kind, float x, float y, float dy, float alpha)
{
    switch (kind)
    {
        case 0: return dy;
        case 1: return x > 0.0f ? dy : 0.0f;
        case 2: return x > 0.0f && x < 6.0f ? dy : 0.0f;
        case 3: return x > 0.0f ? dy : alpha * dy;
        case 4: return x > 0.0f ? dy : dy * (y + alpha);
        case 5: return x > 0.0f ? dy * SELU_SCALE : dy * (y + SELU_SCALE * SELU_ALPHA);
        case 6:
        {
            double d = x;
            double cdf = 0.5 * (1.0 + erf(d * INV_SQRT2));
            double pdf = INV_SQRT_2PI * exp(-0.5 * d * d);
            return (float)(dy * (cdf + d * pdf));
        }
        case 7:
        {
            double d = x;
            double t = tanh(GELU_TANH_SCALE * (d + GELU_CUBIC * d * d * d));
            double du = GELU_TANH_SCALE * (1.0 + 3.0 * GELU_CUBIC * d * d);
            return (float)(dy * (0.5 * (1.0 + t) + 0.5 * d * (1.0 - t * t) * du));
        }
        case 8: return dy * y * (1.0f - y);
        case 9: return x > -3.0f && x < 3.0f ? dy * (1.0f / 6.0f) : 0.0f;
        case 10: return x > -2.5f && x < 2.5f ? dy * 0.2f : 0.0f;
        case 11: return dy * (1.0f - y * y);
        case 12: return dy / (1.0f + expf(-x));
        case 13:
        {
            float d = 1.0f + fabsf(x);
            return dy / (d * d);
        }
        case 14:
        {
            float s = sigmoid(x);
            return dy * s * (1.0f + x * (1.0f - s));
        }
        case 15: return dy * y;
        default: return __int_as_float(0x7fc00000);
    }
}

// bias may be null; otherwise it has `channels` elements, added along the last axis.
extern "C" __global__ void activation_fwd(int kind, i64 n, const float* x, const float* bias, i64 channels, float* y, float alpha)
{
    GRID_STRIDE(i, n)
    {
        float v = x[i];
        if (bias != nullptr) v = v + bias[i % channels];
        y[i] = activation(kind, v, alpha);
    }
}

extern "C" __global__ void activation_bwd(int kind, i64 n, const float* x, const float* y, const float* dy, float* dx, float alpha)
{
    GRID_STRIDE(i, n) dx[i] = activation_grad(kind, x[i], y[i], dy[i], alpha);
}
