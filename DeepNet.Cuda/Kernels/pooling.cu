// Max and average pooling over NHWC tensors, the CPU backend's semantics: padded cells never take
// part (max treats them as −∞, average divides by the cells inside the input), the window is
// walked in row-major order, and max pooling routes the gradient to the first maximum of a window.
// Backward is written as a gather (one thread per dx element, visiting the windows that cover it
// in (oh, ow) order), so no atomics: results are deterministic and add in the CPU's order.
#include "common.cuh"

// Mirrors DeepNet.Cuda.Kernels.PoolParams.
struct PoolParams
{
    int n, h, w, c, oh, ow;
    int poolH, poolW, strideH, strideW, padTop, padLeft;
    int isMax;
};

// Input cells [h0, h1) × [w0, w1) of output (oh, ow), clipped to the input.
__device__ __forceinline__ void pool_window(const PoolParams& p, int oh, int ow, int& h0, int& h1, int& w0, int& w1)
{
    int hs = oh * p.strideH - p.padTop, ws = ow * p.strideW - p.padLeft;
    h0 = max(hs, 0);
    h1 = min(hs + p.poolH, p.h);
    w0 = max(ws, 0);
    w1 = min(ws + p.poolW, p.w);
}

extern "C" __global__ void pool_fwd(i64 total, PoolParams p, const float* x, float* y)
{
    GRID_STRIDE(i, total)
    {
        int c = (int)(i % p.c);
        i64 rest = i / p.c;
        int ow = (int)(rest % p.ow);
        rest /= p.ow;
        int oh = (int)(rest % p.oh);
        i64 n = rest / p.oh;
        int h0, h1, w0, w1;
        pool_window(p, oh, ow, h0, h1, w0, w1);
        float acc = p.isMax ? -INFINITY : 0.0f;
        for (int ih = h0; ih < h1; ih++)
        {
            for (int iw = w0; iw < w1; iw++)
            {
                float v = x[((n * p.h + ih) * p.w + iw) * p.c + c];
                acc = p.isMax ? dn_max(acc, v) : acc + v;
            }
        }
        int cells = (h1 - h0) * (w1 - w0);
        if (!p.isMax && cells > 0) acc = acc * (1.0f / (float)cells);
        y[i] = acc;
    }
}

extern "C" __global__ void pool_bwd(i64 total, PoolParams p, const float* x, const float* dy, float* dx)
{
    GRID_STRIDE(i, total)
    {
        int c = (int)(i % p.c);
        i64 rest = i / p.c;
        int iw = (int)(rest % p.w);
        rest /= p.w;
        int ih = (int)(rest % p.h);
        i64 n = rest / p.h;
        // Outputs whose window start s = o·stride − pad satisfies s ≤ i < s + pool.
        int ohLo = max(0, (ih + p.padTop - p.poolH + p.strideH) / p.strideH);
        int ohHi = min(p.oh - 1, (ih + p.padTop) / p.strideH);
        int owLo = max(0, (iw + p.padLeft - p.poolW + p.strideW) / p.strideW);
        int owHi = min(p.ow - 1, (iw + p.padLeft) / p.strideW);
        float acc = 0.0f;
        for (int oh = ohLo; oh <= ohHi; oh++)
        {
            for (int ow = owLo; ow <= owHi; ow++)
            {
                int h0, h1, w0, w1;
                pool_window(p, oh, ow, h0, h1, w0, w1);
                if (ih < h0 || ih >= h1 || iw < w0 || iw >= w1) continue;
                float g = dy[((n * p.oh + oh) * p.ow + ow) * p.c + c];
                if (p.isMax)
                {
                    // First maximum in row-major order (strictly greater keeps the first of equals).
                    int bestH = h0, bestW = w0;
                    float best = x[((n * p.h + h0) * p.w + w0) * p.c + c];
                    for (int hh = h0; hh < h1; hh++)
                    {
                        for (int ww = (hh == h0 ? w0 + 1 : w0); ww < w1; ww++)
                        {
                            float v = x[((n * p.h + hh) * p.w + ww) * p.c + c];
                            if (v > best)
                            {
                                best = v;
                                bestH = hh;
                                bestW = ww;
                            }
                        }
                    }
                    if (bestH == ih && bestW == iw) acc = acc + g;
                }
                else
                {
                    float share = 1.0f / (float)((h1 - h0) * (w1 - w0));
                    acc = g * share + acc;
                }
            }
        }
        dx[i] = acc;
    }
}
