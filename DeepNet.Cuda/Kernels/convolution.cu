// Direct 2-D convolution over NHWC tensors, kernel (KH, KW, Cin/groups, Cout) as Keras stores it,
// with strides, dilation, explicit padding and groups. One thread per output element of each op;
// every op is written as a gather (no atomics), so results are deterministic. These are the
// straightforward loops, correct for every geometry; cuDNN's tuned algorithms are the faster path
// still to come (bindings in Interop/Cudnn.cs).
#include "common.cuh"

// Mirrors DeepNet.Cuda.Kernels.ConvParams.
struct ConvParams
{
    int n, h, w, cin, kh, kw, cout, oh, ow;
    int strideH, strideW, dilationH, dilationW, padTop, padLeft;
    int groups, groupIn, groupOut;
};

// y[n, oh, ow, co] = Σ_{ki, kj, ci} x[n, oh·sh − pt + ki·dh, ow·sw − pl + kj·dw, g·Gin + ci] · k[ki, kj, ci, co]
extern "C" __global__ void conv_fwd(i64 total, ConvParams p, const float* x, const float* k, float* y)
{
    GRID_STRIDE(i, total)
    {
        int co = (int)(i % p.cout);
        i64 rest = i / p.cout;
        int ow = (int)(rest % p.ow);
        rest /= p.ow;
        int oh = (int)(rest % p.oh);
        i64 n = rest / p.oh;
        int group = co / p.groupOut;
        float acc = 0.0f;
        for (int ki = 0; ki < p.kh; ki++)
        {
            int ih = oh * p.strideH - p.padTop + ki * p.dilationH;
            if (ih < 0 || ih >= p.h) continue;
            for (int kj = 0; kj < p.kw; kj++)
            {
                int iw = ow * p.strideW - p.padLeft + kj * p.dilationW;
                if (iw < 0 || iw >= p.w) continue;
                const float* xp = x + ((n * p.h + ih) * p.w + iw) * p.cin + (i64)group * p.groupIn;
                const float* kp = k + ((i64)(ki * p.kw + kj) * p.groupIn) * p.cout + co;
                for (int ci = 0; ci < p.groupIn; ci++) acc += xp[ci] * kp[(i64)ci * p.cout];
            }
        }
        y[i] = acc;
    }
}

// dx[n, ih, iw, c] = Σ over the (oh, ow, ki, kj) with oh·sh − pt + ki·dh = ih (and the same for w)
// of Σ_{co in c's group} dy[n, oh, ow, co] · k[ki, kj, c − g·Gin, co].
extern "C" __global__ void conv_bwd_data(i64 total, ConvParams p, const float* dy, const float* k, float* dx)
{
    GRID_STRIDE(i, total)
    {
        int c = (int)(i % p.cin);
        i64 rest = i / p.cin;
        int iw = (int)(rest % p.w);
        rest /= p.w;
        int ih = (int)(rest % p.h);
        i64 n = rest / p.h;
        int group = c / p.groupIn, cl = c - group * p.groupIn;
        float acc = 0.0f;
        for (int ki = 0; ki < p.kh; ki++)
        {
            int t = ih + p.padTop - ki * p.dilationH;
            if (t < 0 || t % p.strideH != 0) continue;
            int oh = t / p.strideH;
            if (oh >= p.oh) continue;
            for (int kj = 0; kj < p.kw; kj++)
            {
                int u = iw + p.padLeft - kj * p.dilationW;
                if (u < 0 || u % p.strideW != 0) continue;
                int ow = u / p.strideW;
                if (ow >= p.ow) continue;
                const float* dyp = dy + ((n * p.oh + oh) * p.ow + ow) * p.cout + (i64)group * p.groupOut;
                const float* kp = k + ((i64)(ki * p.kw + kj) * p.groupIn + cl) * p.cout + (i64)group * p.groupOut;
                for (int o = 0; o < p.groupOut; o++) acc += dyp[o] * kp[o];
            }
        }
        dx[i] = acc;
    }
}

// dk[ki, kj, ci, co] = Σ_{n, oh, ow} x[n, ih, iw, g·Gin + ci] · dy[n, oh, ow, co], summed in double
// (the sums run over every output pixel of the batch).
extern "C" __global__ void conv_bwd_filter(i64 total, ConvParams p, const float* x, const float* dy, float* dk)
{
    GRID_STRIDE(i, total)
    {
        int co = (int)(i % p.cout);
        i64 rest = i / p.cout;
        int ci = (int)(rest % p.groupIn);
        rest /= p.groupIn;
        int kj = (int)(rest % p.kw);
        int ki = (int)(rest / p.kw);
        int group = co / p.groupOut;
        int c = group * p.groupIn + ci;
        double acc = 0.0;
        for (i64 n = 0; n < p.n; n++)
        {
            for (int oh = 0; oh < p.oh; oh++)
            {
                int ih = oh * p.strideH - p.padTop + ki * p.dilationH;
                if (ih < 0 || ih >= p.h) continue;
                for (int ow = 0; ow < p.ow; ow++)
                {
                    int iw = ow * p.strideW - p.padLeft + kj * p.dilationW;
                    if (iw < 0 || iw >= p.w) continue;
                    acc += (double)x[((n * p.h + ih) * p.w + iw) * p.cin + c] * (double)dy[((n * p.oh + oh) * p.ow + ow) * p.cout + co];
                }
            }
        }
        dk[i] = (float)acc;
    }
}
