#nullable enable
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using DeepNet.Backends.Cpu;

namespace DeepNet.Backends.Cpu.Recurrent;

/// <summary>
/// The LSTM recurrence over a whole sequence (Keras gate order i, f, c, o; tanh and sigmoid),
/// after the input projection: per step one GEMM h·recurrent_kernel accumulated in place onto the
/// projected inputs, then one pass over the gates. The backward pass walks the steps in reverse
/// (backpropagation through time) with one GEMM per step for the gradient of h, and finds the
/// recurrent kernel's gradient afterwards in a single GEMM over every step.
/// <para>Buffers: gates (batch, steps, 4u) at input positions; outputs (batch, steps + 1, u) with
/// h after step k at k and the final c at steps; cells (batch, steps, u) with c after step k at k.
/// At a masked step a sample keeps its h and c (its output repeats the previous one).</para>
/// </summary>
internal static unsafe class CpuLstm
{
    /// <summary>
    /// Runs the recurrence. <paramref name="gates"/> holds x·kernel + bias on entry and the
    /// activated gates on return; <paramref name="outputs"/> and <paramref name="cells"/> are written.
    /// </summary>
    public static void Forward(in SequenceGeometry g, float* gates, float* recurrentKernel, float* h0, float* c0, float* mask,
        float* outputs, float* cells, int threads)
    {
        int batch = g.Batch, steps = g.Steps, u = g.Units, width = g.Width;
        int outStride = (steps + 1) * u;
        for (int k = 0; k < steps; k++)
        {
            int t = g.Time(k);
            float* z = gates + (long)t * width;
            float* hPrev = k == 0 ? h0 : outputs + (long)(k - 1) * u;
            float* cPrev = k == 0 ? c0 : cells + (long)(k - 1) * u;
            int hStride = k == 0 ? u : outStride, cStride = k == 0 ? u : steps * u;
            // z_t += h·recurrent_kernel, straight into the projected inputs.
            CpuGemm.Sgemm(false, false, batch, width, u, 1f, hPrev, hStride, recurrentKernel, width, 1f, z, steps * width, threads);
            for (int b = 0; b < batch; b++)
            {
                var hp = new ReadOnlySpan<float>(hPrev + (long)b * hStride, u);
                var cp = new ReadOnlySpan<float>(cPrev + (long)b * cStride, u);
                var h = new Span<float>(outputs + (long)b * outStride + (long)k * u, u);
                var c = new Span<float>(cells + ((long)b * steps + k) * u, u);
                if (!g.Keeps(mask, b, t))
                {
                    hp.CopyTo(h);
                    cp.CopyTo(c);
                    continue;
                }
                var row = new Span<float>(z + (long)b * steps * width, width);
                var ifGates = row[..(2 * u)];
                var i = row[..u];
                var f = row.Slice(u, u);
                var candidate = row.Slice(2 * u, u);
                var o = row.Slice(3 * u, u);
                TensorPrimitives.Sigmoid(ifGates, ifGates);
                TensorPrimitives.Tanh(candidate, candidate);
                TensorPrimitives.Sigmoid(o, o);
                // c = f⊙c_prev + i⊙candidate; h = o⊙tanh(c)
                TensorPrimitives.Multiply(i, candidate, c);
                TensorPrimitives.MultiplyAdd(f, cp, c, c);
                TensorPrimitives.Tanh(c, h);
                TensorPrimitives.Multiply(h, o, h);
            }
        }
        for (int b = 0; b < batch; b++)
        {
            new ReadOnlySpan<float>(cells + ((long)b * steps + steps - 1) * u, u)
                .CopyTo(new Span<float>(outputs + (long)b * outStride + (long)steps * u, u));
        }
    }

    /// <summary>
    /// Gradients from <paramref name="dOutputs"/> (shaped like outputs: every h, then the final c):
    /// <paramref name="dGates"/> (batch, steps, 4u) the gradient of the pre-activation gates at
    /// input positions (that is, of x·kernel + bias), <paramref name="dRecurrentKernel"/> (u, 4u),
    /// <paramref name="dH0"/> and <paramref name="dC0"/> (batch, u).
    /// </summary>
    public static void Backward(in SequenceGeometry g, float* gates, float* recurrentKernel, float* h0, float* c0, float* mask,
        float* outputs, float* cells, float* dOutputs, float* dGates, float* dRecurrentKernel, float* dH0, float* dC0, int threads)
    {
        int batch = g.Batch, steps = g.Steps, u = g.Units, width = g.Width;
        int outStride = (steps + 1) * u;
        var dh = new Span<float>(dH0, batch * u);       // carried gradient of h, ends as dh0
        var dc = new Span<float>(dC0, batch * u);       // carried gradient of c, ends as dc0
        dh.Clear();
        for (int b = 0; b < batch; b++)
            new ReadOnlySpan<float>(dOutputs + (long)b * outStride + (long)steps * u, u).CopyTo(dc.Slice(b * u, u));

        float[] tanhRow = ArrayPool<float>.Shared.Rent(u);
        try
        {
            for (int k = steps - 1; k >= 0; k--)
            {
                int t = g.Time(k);
                float* cPrev = k == 0 ? c0 : cells + (long)(k - 1) * u;
                int cStride = k == 0 ? u : steps * u;
                for (int b = 0; b < batch; b++)
                {
                    var dhRow = dh.Slice(b * u, u);
                    TensorPrimitives.Add(dhRow, new ReadOnlySpan<float>(dOutputs + (long)b * outStride + (long)k * u, u), dhRow);
                    var dz = new Span<float>(dGates + ((long)b * steps + t) * width, width);
                    if (!g.Keeps(mask, b, t))
                    {
                        dz.Clear();   // h and c pass through unchanged
                        continue;
                    }
                    var tc = tanhRow.AsSpan(0, u);
                    TensorPrimitives.Tanh(new ReadOnlySpan<float>(cells + ((long)b * steps + k) * u, u), tc);
                    StepBackward(
                        new ReadOnlySpan<float>(gates + ((long)b * steps + t) * width, width), tc,
                        new ReadOnlySpan<float>(cPrev + (long)b * cStride, u), dhRow, dc.Slice(b * u, u), dz);
                    dhRow.Clear();   // the GEMM below gives the kept rows their gradient
                }
                // dh_prev (+)= dz_t·recurrent_kernelᵀ
                CpuGemm.Sgemm(false, true, batch, u, width, 1f, dGates + (long)t * width, steps * width, recurrentKernel, width, 1f, dH0, u, threads);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(tanhRow);
        }

        // d recurrent_kernel = Σ_t h_prevᵀ·dz_t, one GEMM over (batch·steps) rows.
        float[] previous = ArrayPool<float>.Shared.Rent(batch * steps * u);
        try
        {
            fixed (float* hPrev = previous)
            {
                PreviousStates(g, h0, outputs, outStride, hPrev);
                CpuGemm.Sgemm(true, false, u, width, batch * steps, 1f, hPrev, u, dGates, width, 0f, dRecurrentKernel, width, threads);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(previous);
        }
    }

    /// <summary>
    /// One sample's gate gradients at one step: from the activated gates (i, f, candidate, o),
    /// tanh(c), c_prev and the gradients of h and c, writes the pre-activation gradients to
    /// <paramref name="dz"/> and replaces <paramref name="dc"/> with the gradient of c_prev.
    /// </summary>
    private static void StepBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> tanhC, ReadOnlySpan<float> cPrev,
        ReadOnlySpan<float> dh, Span<float> dc, Span<float> dz)
    {
        int u = tanhC.Length;
        var i = gates[..u];
        var f = gates.Slice(u, u);
        var candidate = gates.Slice(2 * u, u);
        var o = gates.Slice(3 * u, u);
        var di = dz[..u];
        var df = dz.Slice(u, u);
        var dCandidate = dz.Slice(2 * u, u);
        var dO = dz.Slice(3 * u, u);
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int n = Vector<float>.Count;
            var one = Vector<float>.One;
            for (; j <= u - n; j += n)
            {
                var vi = new Vector<float>(i[j..]);
                var vf = new Vector<float>(f[j..]);
                var vg = new Vector<float>(candidate[j..]);
                var vo = new Vector<float>(o[j..]);
                var vt = new Vector<float>(tanhC[j..]);
                var vdh = new Vector<float>(dh[j..]);
                var vdc = new Vector<float>(dc[j..]) + vdh * vo * (one - vt * vt);
                (vdh * vt * vo * (one - vo)).CopyTo(dO[j..]);
                (vdc * vg * vi * (one - vi)).CopyTo(di[j..]);
                (vdc * new Vector<float>(cPrev[j..]) * vf * (one - vf)).CopyTo(df[j..]);
                (vdc * vi * (one - vg * vg)).CopyTo(dCandidate[j..]);
                (vdc * vf).CopyTo(dc[j..]);
            }
        }
        for (; j < u; j++)
        {
            float vi = i[j], vf = f[j], vg = candidate[j], vo = o[j], vt = tanhC[j], vdh = dh[j];
            float vdc = dc[j] + vdh * vo * (1f - vt * vt);
            dO[j] = vdh * vt * vo * (1f - vo);
            di[j] = vdc * vg * vi * (1f - vi);
            df[j] = vdc * cPrev[j] * vf * (1f - vf);
            dCandidate[j] = vdc * vi * (1f - vg * vg);
            dc[j] = vdc * vf;
        }
    }

    /// <summary>
    /// h before each step, at that step's input position: (batch, steps, u) with position
    /// Time(k) holding h_{k−1} (h0 for k = 0). Outputs hold h after step k at k, rows <paramref name="outStride"/> apart.
    /// </summary>
    internal static void PreviousStates(in SequenceGeometry g, float* h0, float* outputs, int outStride, float* hPrev)
    {
        int u = g.Units;
        for (int b = 0; b < g.Batch; b++)
        {
            for (int k = 0; k < g.Steps; k++)
            {
                float* source = k == 0 ? h0 + (long)b * u : outputs + (long)b * outStride + (long)(k - 1) * u;
                new ReadOnlySpan<float>(source, u).CopyTo(new Span<float>(hPrev + ((long)b * g.Steps + g.Time(k)) * u, u));
            }
        }
    }
}
