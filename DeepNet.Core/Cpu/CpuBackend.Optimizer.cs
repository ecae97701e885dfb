#nullable enable
using System.Runtime.Intrinsics;

namespace DeepNet.Backends.Cpu;

// Fused optimizer updates: one pass over the variable, its gradient and its slots, applying
// decoupled weight decay and then the Keras 3 rule of keras-compat §5.2 per element in float32.
// Step-only scalars (bias corrections, Adam's α) are computed once per call in float64. SGD,
// RMSprop and Adam, the common ones, have Vector256 loops doing the scalar loop's operations in the
// same order (so an element's result does not depend on landing in the tail); the others are scalar. Large variables are split
// into chunks over threads; each element is updated independently, so the result does not depend
// on the split.
public sealed partial class CpuBackend
{
    // Elements per parallel chunk of an optimizer update.
    private const int OptimizerChunk = 1 << 15;

    public void OptimizerUpdate(in OptimizerStep step, Tensor variable, Tensor gradient, IReadOnlyList<Tensor> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        variable.CheckDType(DType.Float32, "OptimizerUpdate");
        gradient.CheckDType(DType.Float32, "OptimizerUpdate");
        if (gradient.Shape != variable.Shape)
            throw new ShapeMismatchException("OptimizerUpdate", $"gradient {gradient.Shape} does not match variable {variable.Shape}.");
        int expected = SlotCount(step);
        if (slots.Count != expected)
            throw new ArgumentException($"OptimizerUpdate: {step.Kind} with these options uses {expected} slots, got {slots.Count}.", nameof(slots));
        foreach (var slot in slots)
        {
            slot.CheckDType(DType.Float32, "OptimizerUpdate");
            if (slot.Shape != variable.Shape)
                throw new ShapeMismatchException("OptimizerUpdate", $"slot {slot.Shape} does not match variable {variable.Shape}.");
        }
        if (step.Iteration < 1)
            throw new ArgumentOutOfRangeException(nameof(step), step.Iteration, "OptimizerUpdate: Iteration counts from 1.");

        var k = new OptimizerKernel(step, variable, gradient, slots);
        long n = variable.Size;
        long chunks = (n + OptimizerChunk - 1) / OptimizerChunk;
        if (chunks <= 1 || Threads <= 1) k.Run(0, (int)n);
        else
        {
            FanOut.For((int)chunks, Threads, c =>
            {
                long start = (long)c * OptimizerChunk;
                k.Run((int)start, (int)Math.Min(n, start + OptimizerChunk));
            });
        }
    }

    /// <summary>Slots the kind reads and writes, as <see cref="OptimizerKind"/> documents them.</summary>
    internal static int SlotCount(in OptimizerStep s) => s.Kind switch
    {
        OptimizerKind.Sgd => s.Momentum > 0f ? 1 : 0,
        OptimizerKind.RmsProp => 1 + (s.Momentum > 0f ? 1 : 0) + (s.Centered ? 1 : 0),
        OptimizerKind.Adam => s.Amsgrad ? 3 : 2,
        OptimizerKind.Adagrad or OptimizerKind.Lion => 1,
        OptimizerKind.Adadelta or OptimizerKind.Adamax or OptimizerKind.Nadam or OptimizerKind.Ftrl => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(s), s.Kind, "OptimizerUpdate: unknown optimizer kind."),
    };

    /// <summary>One update call: pointers plus the per-step scalars, run over element ranges.</summary>
    private readonly unsafe struct OptimizerKernel
    {
        private readonly OptimizerStep _s;
        private readonly float* _w, _g, _s0, _s1, _s2;
        private readonly float _decay;   // lr·wd
        private readonly float _c0, _c1, _c2; // per-kind step scalars, see the constructor

        public OptimizerKernel(in OptimizerStep step, Tensor variable, Tensor gradient, IReadOnlyList<Tensor> slots)
        {
            _s = step;
            _w = Pointer<float>(variable);
            _g = Pointer<float>(gradient);
            _s0 = slots.Count > 0 ? Pointer<float>(slots[0]) : null;
            _s1 = slots.Count > 1 ? Pointer<float>(slots[1]) : null;
            _s2 = slots.Count > 2 ? Pointer<float>(slots[2]) : null;
            _decay = step.LearningRate * step.WeightDecay;
            double t = step.Iteration, lr = step.LearningRate;
            double b1Power = Math.Pow(step.Beta1, t), b2Power = Math.Pow(step.Beta2, t);
            (_c0, _c1, _c2) = step.Kind switch
            {
                // α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ)
                OptimizerKind.Adam => ((float)(lr * Math.Sqrt(1 - b2Power) / (1 - b1Power)), 0f, 0f),
                // 1 − β₁ᵗ
                OptimizerKind.Adamax => ((float)(1 - b1Power), 0f, 0f),
                // 1 − Πₜ·μₜ₊₁, 1 − Πₜ, 1 − β₂ᵗ
                OptimizerKind.Nadam => ((float)(1 - (double)step.NadamMuProduct * step.NadamMuNext), (float)(1 - (double)step.NadamMuProduct), (float)(1 - b2Power)),
                _ => (0f, 0f, 0f),
            };
        }

        public void Run(int start, int end)
        {
            if (_decay != 0f)
            {
                for (int i = start; i < end; i++) _w[i] -= _decay * _w[i];
            }
            switch (_s.Kind)
            {
                case OptimizerKind.Sgd: Sgd(start, end); break;
                case OptimizerKind.RmsProp: RmsProp(start, end); break;
                case OptimizerKind.Adam: Adam(start, end); break;
                case OptimizerKind.Adagrad: Adagrad(start, end); break;
                case OptimizerKind.Adadelta: Adadelta(start, end); break;
                case OptimizerKind.Adamax: Adamax(start, end); break;
                case OptimizerKind.Nadam: Nadam(start, end); break;
                case OptimizerKind.Ftrl: Ftrl(start, end); break;
                default: Lion(start, end); break;
            }
        }

        // m ← μ·m − lr·g; w ← w + m (Nesterov: w ← w + μ·m − lr·g). No momentum: w ← w − lr·g.
        private void Sgd(int i, int end)
        {
            float lr = _s.LearningRate, mu = _s.Momentum;
            float* w = _w, g = _g, m = _s0;
            if (Vector256.IsHardwareAccelerated)
            {
                var vlr = Vector256.Create(lr);
                var vmu = Vector256.Create(mu);
                for (; i <= end - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    var step = vlr * Vector256.Load(g + i);
                    var wi = Vector256.Load(w + i);
                    if (m == null)
                    {
                        (wi - step).Store(w + i);
                        continue;
                    }
                    var mi = vmu * Vector256.Load(m + i) - step;
                    mi.Store(m + i);
                    (_s.Nesterov ? wi + (vmu * mi - step) : wi + mi).Store(w + i);
                }
            }
            for (; i < end; i++)
            {
                float step = lr * g[i];
                if (m == null)
                {
                    w[i] -= step;
                    continue;
                }
                float mi = mu * m[i] - step;
                m[i] = mi;
                w[i] += _s.Nesterov ? mu * mi - step : mi;
            }
        }

        // v ← ρv + (1−ρ)g²; centered: a ← ρa + (1−ρ)g, D = v − a² + ε, else D = v + ε;
        // Δ = lr·g/√D; momentum: m ← μm + Δ, w ← w − m; else w ← w − Δ.
        private void RmsProp(int i, int end)
        {
            float lr = _s.LearningRate, rho = _s.Rho, eps = _s.Epsilon, mu = _s.Momentum;
            float* w = _w, g = _g, v = _s0;
            float* m = mu > 0f ? _s1 : null;
            float* a = _s.Centered ? (mu > 0f ? _s2 : _s1) : null;
            if (Vector256.IsHardwareAccelerated)
            {
                // Same operations in the same order as the scalar loop below.
                var vlr = Vector256.Create(lr);
                var vrho = Vector256.Create(rho);
                var vrest = Vector256.Create(1f - rho);
                var veps = Vector256.Create(eps);
                var vmu = Vector256.Create(mu);
                for (; i <= end - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    var gi = Vector256.Load(g + i);
                    var vi = vrho * Vector256.Load(v + i) + vrest * gi * gi;
                    vi.Store(v + i);
                    var denominator = vi + veps;
                    if (a != null)
                    {
                        var ai = vrho * Vector256.Load(a + i) + vrest * gi;
                        ai.Store(a + i);
                        denominator = vi - ai * ai + veps;
                    }
                    var increment = vlr * gi / Vector256.Sqrt(denominator);
                    if (m != null)
                    {
                        increment = vmu * Vector256.Load(m + i) + increment;
                        increment.Store(m + i);
                    }
                    (Vector256.Load(w + i) - increment).Store(w + i);
                }
            }
            for (; i < end; i++)
            {
                float gi = g[i];
                float vi = rho * v[i] + (1f - rho) * gi * gi;
                v[i] = vi;
                float denominator = vi + eps;
                if (a != null)
                {
                    float ai = rho * a[i] + (1f - rho) * gi;
                    a[i] = ai;
                    denominator = vi - ai * ai + eps;
                }
                float increment = lr * gi / MathF.Sqrt(denominator);
                if (m != null)
                {
                    float mi = mu * m[i] + increment;
                    m[i] = mi;
                    w[i] -= mi;
                }
                else w[i] -= increment;
            }
        }

        // m ← m + (1−β₁)(g−m); v ← v + (1−β₂)(g²−v); amsgrad: v̂ ← max(v̂, v); w ← w − α·m/(√v + ε).
        private void Adam(int i, int end)
        {
            float oneMinusB1 = 1f - _s.Beta1, oneMinusB2 = 1f - _s.Beta2, eps = _s.Epsilon, alpha = _c0;
            float* w = _w, g = _g, m = _s0, v = _s1, vMax = _s2;
            if (Vector256.IsHardwareAccelerated)
            {
                var b1 = Vector256.Create(oneMinusB1);
                var b2 = Vector256.Create(oneMinusB2);
                var ve = Vector256.Create(eps);
                var va = Vector256.Create(alpha);
                for (; i <= end - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    var gi = Vector256.Load(g + i);
                    var mi = Vector256.Load(m + i);
                    var vi = Vector256.Load(v + i);
                    mi += (gi - mi) * b1;
                    vi += (gi * gi - vi) * b2;
                    mi.Store(m + i);
                    vi.Store(v + i);
                    if (vMax != null)
                    {
                        vi = Vector256.Max(Vector256.Load(vMax + i), vi);
                        vi.Store(vMax + i);
                    }
                    (Vector256.Load(w + i) - mi * va / (Vector256.Sqrt(vi) + ve)).Store(w + i);
                }
            }
            for (; i < end; i++)
            {
                float gi = g[i];
                float mi = m[i] + (gi - m[i]) * oneMinusB1;
                float vi = v[i] + (gi * gi - v[i]) * oneMinusB2;
                m[i] = mi;
                v[i] = vi;
                if (vMax != null)
                {
                    vi = MathF.Max(vMax[i], vi);
                    vMax[i] = vi;
                }
                w[i] -= mi * alpha / (MathF.Sqrt(vi) + eps);
            }
        }

        // acc ← acc + g²; w ← w − lr·g/√(acc + ε).
        private void Adagrad(int start, int end)
        {
            float lr = _s.LearningRate, eps = _s.Epsilon;
            float* w = _w, g = _g, acc = _s0;
            for (int i = start; i < end; i++)
            {
                float gi = g[i];
                float ai = acc[i] + gi * gi;
                acc[i] = ai;
                w[i] -= lr * gi / MathF.Sqrt(ai + eps);
            }
        }

        // Eg ← ρEg + (1−ρ)g²; Δ = −√(Ex+ε)/√(Eg+ε)·g; Ex ← ρEx + (1−ρ)Δ²; w ← w + lr·Δ.
        private void Adadelta(int start, int end)
        {
            float lr = _s.LearningRate, rho = _s.Rho, eps = _s.Epsilon;
            float* w = _w, g = _g, eg = _s0, ex = _s1;
            for (int i = start; i < end; i++)
            {
                float gi = g[i];
                float egi = rho * eg[i] + (1f - rho) * gi * gi;
                eg[i] = egi;
                float delta = -MathF.Sqrt(ex[i] + eps) * gi / MathF.Sqrt(egi + eps);
                ex[i] = rho * ex[i] + (1f - rho) * delta * delta;
                w[i] += lr * delta;
            }
        }

        // m ← m + (1−β₁)(g−m); u ← max(β₂u, |g|); w ← w − lr·m/((1−β₁ᵗ)(u+ε)).
        private void Adamax(int start, int end)
        {
            float lr = _s.LearningRate, b1 = _s.Beta1, b2 = _s.Beta2, eps = _s.Epsilon, correction = _c0;
            float* w = _w, g = _g, m = _s0, u = _s1;
            for (int i = start; i < end; i++)
            {
                float gi = g[i];
                float mi = m[i] + (gi - m[i]) * (1f - b1);
                float ui = MathF.Max(b2 * u[i], MathF.Abs(gi));
                m[i] = mi;
                u[i] = ui;
                w[i] -= lr * mi / (correction * (ui + eps));
            }
        }

        // m, v as Adam; m̂ = μₜ₊₁·m/(1−Πₜμₜ₊₁) + (1−μₜ)·g/(1−Πₜ); v̂ = v/(1−β₂ᵗ); w ← w − lr·m̂/(√v̂ + ε).
        private void Nadam(int start, int end)
        {
            float lr = _s.LearningRate, b1 = _s.Beta1, b2 = _s.Beta2, eps = _s.Epsilon;
            float mu = _s.NadamMu, muNext = _s.NadamMuNext;
            float nextCorrection = _c0, correction = _c1, vCorrection = _c2;
            float* w = _w, g = _g, m = _s0, v = _s1;
            for (int i = start; i < end; i++)
            {
                float gi = g[i];
                float mi = m[i] + (gi - m[i]) * (1f - b1);
                float vi = v[i] + (gi * gi - v[i]) * (1f - b2);
                m[i] = mi;
                v[i] = vi;
                float mHat = muNext * mi / nextCorrection + (1f - mu) * gi / correction;
                float vHat = vi / vCorrection;
                w[i] -= lr * mHat / (MathF.Sqrt(vHat) + eps);
            }
        }

        // Keras 3 ftrl.py, with l2' = l2 + β/(2·lr):
        // g' = g + 2·l2_shrinkage·w; n' = n + g²;
        // z ← z + g' − (n'^(−p) − n^(−p))/lr · w;
        // w ← (clip(z, −l1, l1) − z) / (n'^(−p)/lr + 2·l2'); n ← n'   (p = learning_rate_power).
        // The difference of powers cancels and is then divided by lr, so in float32 it loses
        // several digits; the element math runs in float64 (the loop is bound by Pow anyway).
        private void Ftrl(int start, int end)
        {
            double lr = _s.LearningRate, power = -(double)_s.LearningRatePower, l1 = _s.L1, l2 = _s.L2 + _s.FtrlBeta / (2 * lr), shrink = _s.L2Shrinkage;
            float* w = _w, g = _g, n = _s0, z = _s1;
            for (int i = start; i < end; i++)
            {
                double gi = g[i], wi = w[i], ni = n[i];
                double shrunk = gi + 2 * shrink * wi;
                double newN = ni + gi * gi;
                double newPower = Math.Pow(newN, power);
                double zi = z[i] + shrunk - (newPower - Math.Pow(ni, power)) / lr * wi;
                double quadratic = newPower / lr + 2 * l2;
                z[i] = (float)zi;
                w[i] = (float)((Math.Clamp(zi, -l1, l1) - zi) / quadratic);
                n[i] = (float)newN;
            }
        }

        // w ← w − lr·sign(β₁m + (1−β₁)g); m ← β₂m + (1−β₂)g.
        private void Lion(int start, int end)
        {
            float lr = _s.LearningRate, b1 = _s.Beta1, b2 = _s.Beta2;
            float* w = _w, g = _g, m = _s0;
            for (int i = start; i < end; i++)
            {
                float gi = g[i], mi = m[i];
                w[i] -= lr * Sign(b1 * mi + (1f - b1) * gi);
                m[i] = b2 * mi + (1f - b2) * gi;
            }
        }

        // sign with sign(0) = 0 and NaN passed through (MathF.Sign throws on NaN).
        private static float Sign(float x) => x > 0f ? 1f : x < 0f ? -1f : x;
    }
}
