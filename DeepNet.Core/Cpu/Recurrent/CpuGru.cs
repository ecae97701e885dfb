#nullable enable
using System.Buffers;
using System.Numerics.Tensors;
using DeepNet.Backends.Cpu;

namespace DeepNet.Backends.Cpu.Recurrent;

/// <summary>
/// The GRU recurrence over a whole sequence (Keras gate order z, r, h; tanh and sigmoid), after
/// the input projection, in both of Keras's forms:
/// reset_after: ĥ = tanh(x_h + r⊙(h·R_h + b^h_h)), one GEMM h·R per step (recurrent bias added here);
/// reset before: ĥ = tanh(x_h + (r⊙h)·R_h), two GEMMs per step (h·R_zr, then (r⊙h)·R_h).
/// Then h' = z⊙h + (1 − z)⊙ĥ. The backward pass walks the steps in reverse with the same GEMMs
/// transposed, and finds the recurrent kernel's gradient afterwards in one GEMM per block.
/// <para>Buffers: gates (batch, steps, 3u) at input positions, holding x·kernel + input bias on
/// entry and the activated z, r, ĥ on return; outputs (batch, steps, u) with h after step k at k;
/// inner (batch, steps, u) at input positions: h·R_h + b^h_h (reset_after) or r⊙h (reset before).
/// At a masked step a sample keeps its h.</para>
/// </summary>
internal static unsafe class CpuGru
{
    /// <summary>Runs the recurrence; <paramref name="recurrentBias"/> (3u, or null) is reset_after's second bias row.</summary>
    public static void Forward(in SequenceGeometry g, bool resetAfter, float* gates, float* recurrentKernel, float* recurrentBias,
        float* h0, float* mask, float* outputs, float* inner, int threads)
    {
        int batch = g.Batch, steps = g.Steps, u = g.Units, width = g.Width;
        float[] scratch = ArrayPool<float>.Shared.Rent(batch * width);
        try
        {
            fixed (float* product = scratch)
            {
                for (int k = 0; k < steps; k++)
                {
                    int t = g.Time(k);
                    float* hPrev = k == 0 ? h0 : outputs + (long)(k - 1) * u;
                    int hStride = k == 0 ? u : steps * u;
                    if (resetAfter) StepResetAfter(g, k, t, gates, recurrentKernel, recurrentBias, hPrev, hStride, mask, outputs, inner, product, threads);
                    else StepResetBefore(g, k, t, gates, recurrentKernel, hPrev, hStride, mask, outputs, inner, product, threads);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    private static void StepResetAfter(in SequenceGeometry g, int k, int t, float* gates, float* recurrentKernel, float* recurrentBias,
        float* hPrev, int hStride, float* mask, float* outputs, float* inner, float* product, int threads)
    {
        int batch = g.Batch, steps = g.Steps, u = g.Units, width = g.Width;
        CpuGemm.Sgemm(false, false, batch, width, u, 1f, hPrev, hStride, recurrentKernel, width, 0f, product, width, threads);
        for (int b = 0; b < batch; b++)
        {
            var hp = new ReadOnlySpan<float>(hPrev + (long)b * hStride, u);
            var h = new Span<float>(outputs + ((long)b * steps + k) * u, u);
            if (!g.Keeps(mask, b, t))
            {
                hp.CopyTo(h);
                continue;
            }
            var row = new Span<float>(gates + ((long)b * steps + t) * width, width);
            var p = new Span<float>(product + (long)b * width, width);
            if (recurrentBias is not null) TensorPrimitives.Add(p, new ReadOnlySpan<float>(recurrentBias, width), p);
            var zr = row[..(2 * u)];
            TensorPrimitives.Add(zr, p[..(2 * u)], zr);
            TensorPrimitives.Sigmoid(zr, zr);
            var hIn = new Span<float>(inner + ((long)b * steps + t) * u, u);
            p.Slice(2 * u, u).CopyTo(hIn);
            var candidate = row.Slice(2 * u, u);
            TensorPrimitives.MultiplyAdd(row.Slice(u, u), hIn, candidate, candidate);
            TensorPrimitives.Tanh(candidate, candidate);
            Blend(row[..u], hp, candidate, h);
        }
    }

    private static void StepResetBefore(in SequenceGeometry g, int k, int t, float* gates, float* recurrentKernel,
        float* hPrev, int hStride, float* mask, float* outputs, float* inner, float* product, int threads)
    {
        int batch = g.Batch, steps = g.Steps, u = g.Units, width = g.Width;
        // h·R_zr: the first 2u columns of the recurrent kernel.
        CpuGemm.Sgemm(false, false, batch, 2 * u, u, 1f, hPrev, hStride, recurrentKernel, width, 0f, product, 2 * u, threads);
        for (int b = 0; b < batch; b++)
        {
            var rh = new Span<float>(inner + ((long)b * steps + t) * u, u);
            if (!g.Keeps(mask, b, t))
            {
                rh.Clear();   // read by the GEMMs below and in the backward pass, so never garbage
                continue;
            }
            var zr = new Span<float>(gates + ((long)b * steps + t) * width, 2 * u);
            TensorPrimitives.Add(zr, new ReadOnlySpan<float>(product + (long)b * 2 * u, 2 * u), zr);
            TensorPrimitives.Sigmoid(zr, zr);
            TensorPrimitives.Multiply(zr.Slice(u, u), new ReadOnlySpan<float>(hPrev + (long)b * hStride, u), rh);
        }
        // (r⊙h)·R_h: the last u columns; straight onto the projected candidate inputs.
        CpuGemm.Sgemm(false, false, batch, u, u, 1f, inner + (long)t * u, steps * u, recurrentKernel + 2 * u, width,
            1f, gates + (long)t * width + 2 * u, steps * width, threads);
        for (int b = 0; b < batch; b++)
        {
            var hp = new ReadOnlySpan<float>(hPrev + (long)b * hStride, u);
            var h = new Span<float>(outputs + ((long)b * steps + k) * u, u);
            if (!g.Keeps(mask, b, t))
            {
                hp.CopyTo(h);
                continue;
            }
            var row = new Span<float>(gates + ((long)b * steps + t) * width, width);
            var candidate = row.Slice(2 * u, u);
            TensorPrimitives.Tanh(candidate, candidate);
            Blend(row[..u], hp, candidate, h);
        }
    }

    /// <summary>h = ĥ + z⊙(h_prev − ĥ), that is z⊙h_prev + (1 − z)⊙ĥ.</summary>
    private static void Blend(ReadOnlySpan<float> z, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> candidate, Span<float> h)
    {
        TensorPrimitives.Subtract(hPrev, candidate, h);
        TensorPrimitives.MultiplyAdd(h, z, candidate, h);
    }

    /// <summary>
    /// Gradients from <paramref name="dOutputs"/> (batch, steps, u): <paramref name="dGates"/> (batch,
    /// steps, 3u) the gradient of x·kernel + input bias at input positions, <paramref name="dRecurrentKernel"/>
    /// (u, 3u), <paramref name="dRecurrentBias"/> (3u; reset_after with a bias, else null) and <paramref name="dH0"/>.
    /// </summary>
    public static void Backward(in SequenceGeometry g, bool resetAfter, float* gates, float* recurrentKernel, float* h0, float* mask,
        float* outputs, float* inner, float* dOutputs, float* dGates, float* dRecurrentKernel, float* dRecurrentBias, float* dH0, int threads)
    {
        int batch = g.Batch, steps = g.Steps, u = g.Units, width = g.Width;
        long sequence = (long)batch * steps;
        // reset_after: the gradient of h·R + b^h differs from dGates in its candidate block (times r), so it gets its own buffer.
        float[]? innerGradients = resetAfter ? ArrayPool<float>.Shared.Rent(checked((int)(sequence * width))) : null;
        float[] scratch = ArrayPool<float>.Shared.Rent(batch * u);
        float[] previous = ArrayPool<float>.Shared.Rent(checked((int)(sequence * u)));
        try
        {
            fixed (float* dInnerBuffer = innerGradients, dRh = scratch, hPrevAll = previous)
            {
                float* dInner = resetAfter ? dInnerBuffer : dGates;
                var dh = new Span<float>(dH0, batch * u);   // carried gradient of h, ends as dh0
                dh.Clear();
                for (int k = steps - 1; k >= 0; k--)
                {
                    int t = g.Time(k);
                    float* hPrev = k == 0 ? h0 : outputs + (long)(k - 1) * u;
                    int hStride = k == 0 ? u : steps * u;
                    for (int b = 0; b < batch; b++)
                    {
                        var dhRow = dh.Slice(b * u, u);
                        TensorPrimitives.Add(dhRow, new ReadOnlySpan<float>(dOutputs + ((long)b * steps + k) * u, u), dhRow);
                        long at = ((long)b * steps + t) * width;
                        var dz = new Span<float>(dGates + at, width);
                        if (!g.Keeps(mask, b, t))
                        {
                            dz.Clear();   // h passes through unchanged
                            if (resetAfter) new Span<float>(dInner + at, width).Clear();
                            continue;
                        }
                        var row = new ReadOnlySpan<float>(gates + at, width);
                        var hp = new ReadOnlySpan<float>(hPrev + (long)b * hStride, u);
                        if (resetAfter)
                            ResetAfterBackward(row, hp, new ReadOnlySpan<float>(inner + ((long)b * steps + t) * u, u), dhRow, dz, new Span<float>(dInner + at, width));
                        else
                            CandidateBackward(row, hp, dhRow, dz);
                    }
                    if (!resetAfter)
                    {
                        // d(r⊙h) = dĥ_pre·R_hᵀ, then the z and r gates.
                        CpuGemm.Sgemm(false, true, batch, u, u, 1f, dGates + (long)t * width + 2 * u, steps * width, recurrentKernel + 2 * u, width, 0f, dRh, u, threads);
                        for (int b = 0; b < batch; b++)
                        {
                            if (!g.Keeps(mask, b, t)) continue;
                            ResetBeforeGatesBackward(new ReadOnlySpan<float>(gates + ((long)b * steps + t) * width, width),
                                new ReadOnlySpan<float>(hPrev + (long)b * hStride, u), new ReadOnlySpan<float>(dRh + (long)b * u, u),
                                dh.Slice(b * u, u), new Span<float>(dGates + ((long)b * steps + t) * width, width));
                        }
                    }
                    // dh_prev += d(h·R)·Rᵀ (reset before: only the z and r blocks; the candidate went through r⊙h above).
                    int n = resetAfter ? width : 2 * u;
                    CpuGemm.Sgemm(false, true, batch, u, n, 1f, dInner + (long)t * width, steps * width, recurrentKernel, width, 1f, dH0, u, threads);
                }

                CpuLstm.PreviousStates(g, h0, outputs, steps * u, hPrevAll);
                int rows = checked((int)sequence);
                if (resetAfter)
                {
                    CpuGemm.Sgemm(true, false, u, width, rows, 1f, hPrevAll, u, dInner, width, 0f, dRecurrentKernel, width, threads);
                    if (dRecurrentBias is not null) ColumnSums(dInner, rows, width, dRecurrentBias);
                }
                else
                {
                    CpuGemm.Sgemm(true, false, u, 2 * u, rows, 1f, hPrevAll, u, dGates, width, 0f, dRecurrentKernel, width, threads);
                    CpuGemm.Sgemm(true, false, u, u, rows, 1f, inner, u, dGates + 2 * u, width, 0f, dRecurrentKernel + 2 * u, width, threads);
                }
            }
        }
        finally
        {
            if (innerGradients is not null) ArrayPool<float>.Shared.Return(innerGradients);
            ArrayPool<float>.Shared.Return(scratch);
            ArrayPool<float>.Shared.Return(previous);
        }
    }

    /// <summary>
    /// reset_after, one sample at one step: writes the pre-activation gradients of the input side
    /// (dz) and of h·R + b^h (dInner), and replaces dh with its direct part z⊙dh.
    /// </summary>
    private static void ResetAfterBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> hIn,
        Span<float> dh, Span<float> dz, Span<float> dInner)
    {
        int u = hPrev.Length;
        for (int j = 0; j < u; j++)
        {
            float z = gates[j], r = gates[u + j], hh = gates[2 * u + j], d = dh[j];
            float dCandidate = d * (1f - z) * (1f - hh * hh);
            float dZ = d * (hPrev[j] - hh) * z * (1f - z);
            float dR = dCandidate * hIn[j] * r * (1f - r);
            dz[j] = dZ;
            dz[u + j] = dR;
            dz[2 * u + j] = dCandidate;
            dInner[j] = dZ;
            dInner[u + j] = dR;
            dInner[2 * u + j] = dCandidate * r;
            dh[j] = d * z;
        }
    }

    /// <summary>
    /// Reset before, one sample at one step, first half: the candidate's pre-activation gradient
    /// into dz's last block, z's share of the gradient (h_prev − ĥ)·dh parked in dz's first block,
    /// and dh replaced by its direct part z⊙dh.
    /// </summary>
    private static void CandidateBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> hPrev, Span<float> dh, Span<float> dz)
    {
        int u = hPrev.Length;
        for (int j = 0; j < u; j++)
        {
            float z = gates[j], hh = gates[2 * u + j], d = dh[j];
            dz[2 * u + j] = d * (1f - z) * (1f - hh * hh);
            dz[j] = d * (hPrev[j] - hh);
            dh[j] = d * z;
        }
    }

    /// <summary>Reset before, second half: from d(r⊙h), the z and r gradients and r's share of dh.</summary>
    private static void ResetBeforeGatesBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> hPrev, ReadOnlySpan<float> dRh,
        Span<float> dh, Span<float> dz)
    {
        int u = hPrev.Length;
        for (int j = 0; j < u; j++)
        {
            float z = gates[j], r = gates[u + j];
            dz[j] *= z * (1f - z);
            dz[u + j] = dRh[j] * hPrev[j] * r * (1f - r);
            dh[j] += dRh[j] * r;
        }
    }

    /// <summary>y[j] = Σ_rows x[row, j].</summary>
    internal static void ColumnSums(float* x, int rows, int width, float* y)
    {
        var sum = new Span<float>(y, width);
        sum.Clear();
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(sum, new ReadOnlySpan<float>(x + (long)r * width, width), sum);
    }
}
