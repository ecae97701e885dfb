// Fused optimizer updates, one element per thread: decoupled weight decay w ← w − lr·wd·w, then
// the Keras 3 rule (keras-compat §5.2) in float32, exactly as the CPU backend writes it. Step-only
// scalars (Adam's α, bias corrections) come from the host in OptParams.c0..c2.
#include "common.cuh"

// Mirrors DeepNet.Cuda.Kernels.OptimizerParams (all 4-byte fields, sequential layout).
struct OptParams
{
    float lr, beta1, beta2, eps, momentum, rho;
    float decay;            // lr·wd
    float c0, c1, c2;       // per-kind step scalars
    float mu, muNext;       // Nadam
    float lrPower, l1, l2, l2Shrinkage, ftrlBeta;
    int nesterov, centered, amsgrad;
};

__device__ __forceinline__ float sign_of(float x) { return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x; }

__device__ __forceinline__ float decayed(float w, const OptParams& p) { return p.decay != 0.0f ? w - p.decay * w : w; }

// m ← μm − lr·g; w ← w + m (Nesterov: w + μm − lr·g); no momentum (m null): w ← w − lr·g.
extern "C" __global__ void opt_sgd(i64 n, OptParams p, float* w, const float* g, float* m)
{
    GRID_STRIDE(i, n)
    {
        float wi = decayed(w[i], p);
        float step = p.lr * g[i];
        if (m == nullptr)
        {
            w[i] = wi - step;
            continue;
        }
        float mi = p.momentum * m[i] - step;
        m[i] = mi;
        w[i] = wi + (p.nesterov ? p.momentum * mi - step : mi);
    }
}

// v ← ρv + (1−ρ)g²; centered a ← ρa + (1−ρ)g, D = v − a² + ε, else D = v + ε; Δ = lr·g/√D;
// momentum: m ← μm + Δ, w ← w − m; else w ← w − Δ. m and a may be null.
extern "C" __global__ void opt_rmsprop(i64 n, OptParams p, float* w, const float* g, float* v, float* m, float* a)
{
    GRID_STRIDE(i, n)
    {
        float wi = decayed(w[i], p);
        float gi = g[i];
        float vi = p.rho * v[i] + (1.0f - p.rho) * gi * gi;
        v[i] = vi;
        float denominator = vi + p.eps;
        if (a != nullptr)
        {
            float ai = p.rho * a[i] + (1.0f - p.rho) * gi;
            a[i] = ai;
            denominator = vi - ai * ai + p.eps;
        }
        float increment = p.lr * gi / sqrtf(denominator);
        if (m != nullptr)
        {
            float mi = p.momentum * m[i] + increment;
            m[i] = mi;
            w[i] = wi - mi;
        }
        else w[i] = wi - increment;
    }
}

// m ← m + (1−β₁)(g−m); v ← v + (1−β₂)(g²−v); amsgrad v̂ ← max(v̂, v); w ← w − m·α/(√v + ε), α = c0.
extern "C" __global__ void opt_adam(i64 n, OptParams p, float* w, const float* g, float* m, float* v, float* vMax)
{
    float oneMinusB1 = 1.0f - p.beta1, oneMinusB2 = 1.0f - p.beta2;
    GRID_STRIDE(i, n)
    {
        float wi = decayed(w[i], p);
        float gi = g[i];
        float mi = m[i] + (gi - m[i]) * oneMinusB1;
        float vi = v[i] + (gi * gi - v[i]) * oneMinusB2;
        m[i] = mi;
        v[i] = vi;
        if (vMax != nullptr)
        {
            vi = dn_max(vMax[i], vi);
            vMax[i] = vi;
        }
        w[i] = wi - mi * p.c0 / (sqrtf(vi) + p.eps);
    }
}

// acc ← acc + g²; w ← w − lr·g/√(acc + ε).
extern "C" __global__ void opt_adagrad(i64 n, OptParams p, float* w, const float* g, float* acc)
{
    GRID_STRIDE(i, n)
    {
        float wi = decayed(w[i], p);
        float gi = g[i];
        float ai = acc[i] + gi * gi;
        acc[i] = ai;
        w[i] = wi - p.lr * gi / sqrtf(ai + p.eps);
    }
}

// Eg ← ρEg + (1−ρ)g²; Δ = −√(Ex+ε)·g/√(Eg+ε); Ex ← ρEx + (1−ρ)Δ²; w ← w + lr·Δ.
extern "C" __global__ void opt_adadelta(i64 n, OptParams p, float* w, const float* g, float* eg, float* ex)
{
    GRID_STRIDE(i, n)
    {
        float wi = decayed(w[i], p);
        float gi = g[i];
        float egi = p.rho * eg[i] + (1.0f - p.rho) * gi * gi;
        eg[i] = egi;
        float delta = -sqrtf(ex[i] + p.eps) * gi / sqrtf(egi + p.eps);
        ex[i] = p.rho * ex[i] + (1.0f - p.rho) * delta * delta;
        w[i] = wi + p.lr * delta;
    }
}

// m ← m + (1−β₁)(g−m); u ← max(β₂u, |g|); w ← w − lr·m/((1−β₁ᵗ)(u+ε)), c0 = 1−β₁ᵗ.
extern "C" __global__ void opt_adamax(i64 n, OptParams p, float* w, const float* g, float* m, float* u)
{
    GRID_STRIDE(i, n)
    {
        float wi = decayed(w[i], p);
        float gi = g[i];
        float mi = m[i] + (gi - m[i]) * (1.0f - p.beta1);
        float ui = dn_max(p.beta2 * u[i], fabsf(gi));
        m[i] = mi;
        u[i] = ui;
        w[i] = wi - p.lr * mi / (p.c0 * (ui + p.eps));
    }
}

// m, v as Adam; m̂ = μₜ₊₁·m/c0 + (1−μₜ)·g/c1; v̂ = v/c2; w ← w − lr·m̂/(√v̂ + ε)
// with c0 = 1 − Πₜμₜ₊₁, c1 = 1 − Πₜ, c2 = 1 − β₂ᵗ.
extern "C" __global__ void opt_nadam(i64 n, OptParams p, float* w, const float* g, float* m, float* v)
{
    GRID_STRIDE(i, n)
    {
        float wi = decayed(w[i], p);
        float gi = g[i];
        float mi = m[i] + (gi - m[i]) * (1.0f - p.beta1);
        float vi = v[i] + (gi * gi - v[i]) * (1.0f - p.beta2);
        m[i] = mi;
        v[i] = vi;
        float mHat = p.muNext * mi / p.c0 + (1.0f - p.mu) * gi / p.c1;
        float vHat = vi / p.c2;
        w[i] = wi - p.lr * mHat / (sqrtf(vHat) + p.eps);
    }
}

// Keras 3 ftrl.py with l2' = l2 + β/(2·lr), in double (the difference of powers loses digits in float):
// g' = g + 2·l2_shrinkage·w; n' = n + g²; z ← z + g' − (n'^(−p) − n^(−p))/lr·w;
// w ← (clip(z, −l1, l1) − z)/(n'^(−p)/lr + 2·l2'); n ← n'.
extern "C" __global__ void opt_ftrl(i64 n, OptParams p, float* w, const float* g, float* accumulator, float* linear)
{
    double lr = p.lr, power = -(double)p.lrPower, l1 = p.l1, l2 = p.l2 + p.ftrlBeta / (2.0 * lr), shrink = p.l2Shrinkage;
    GRID_STRIDE(i, n)
    {
        double wi = decayed(w[i], p);
        double gi = g[i], ni = accumulator[i];
        double shrunk = gi + 2.0 * shrink * wi;
        double newN = ni + gi * gi;
        double newPower = pow(newN, power);
        double zi = linear[i] + shrunk - (newPower - pow(ni, power)) / lr * wi;
        double quadratic = newPower / lr + 2.0 * l2;
        linear[i] = (float)zi;
        w[i] = (float)((fmin(fmax(zi, -l1), l1) - zi) / quadratic);
        accumulator[i] = (float)newN;
    }
}

// w ← w − lr·sign(β₁m + (1−β₁)g); m ← β₂m + (1−β₂)g.
extern "C" __global__ void opt_lion(i64 n, OptParams p, float* w, const float* g, float* m)
{
    GRID_STRIDE(i, n)
    {
        float wi = decayed(w[i], p);
        float gi = g[i], mi = m[i];
        w[i] = wi - p.lr * sign_of(p.beta1 * mi + (1.0f - p.beta1) * gi);
        m[i] = p.beta2 * mi + (1.0f - p.beta2) * gi;
    }
}
