#nullable enable
namespace DeepNet.Backends.Cpu.Recurrent;

/// <summary>
/// Whole-sequence LSTM/GRU on the CPU backend, on tensors: the input projection of every
/// timestep as one GEMM (bias broadcast first, GEMM accumulated onto it), the recurrence in
/// <see cref="CpuLstm"/>/<see cref="CpuGru"/>, and on the way back the input-side gradients as
/// one GEMM each over all timesteps. Shapes were checked by the op (Ops.Recurrent.cs).
/// </summary>
internal static unsafe class CpuRecurrence
{
    public static int Gates(RecurrentCellKind kind) => kind == RecurrentCellKind.Lstm ? 4 : 3;

    /// <summary>
    /// The forward pass: x (batch, steps, features), kernel (features, G), recurrent kernel (u, G),
    /// bias as Keras stores it or null, h0 (and c0 for the LSTM) (batch, u), mask (batch, steps) or null.
    /// Outputs are (batch, steps + 1, u) for the LSTM (the final c last), else (batch, steps, u).
    /// </summary>
    public static RecurrentForward Forward(CpuBackend backend, RecurrentCellKind kind, Tensor x, Tensor kernel, Tensor recurrentKernel,
        Tensor? bias, Tensor h0, Tensor? c0, Tensor? mask, bool goBackwards)
    {
        int batch = x.Shape[0], steps = x.Shape[1], features = x.Shape[2], u = recurrentKernel.Shape[0];
        var g = new SequenceGeometry(batch, steps, u, Gates(kind), goBackwards);
        int width = g.Width;
        var gates = Tensor.Empty(new Shape(batch, steps, width), DType.Float32, backend);
        bool lstm = kind == RecurrentCellKind.Lstm;
        var outputs = Tensor.Empty(new Shape(batch, steps + (lstm ? 1 : 0), u), DType.Float32, backend);
        var inner = Tensor.Empty(new Shape(batch, steps, u), DType.Float32, backend);

        float* pGates = CpuBackend.Pointer<float>(gates);
        float* pBias = bias is null ? null : CpuBackend.Pointer<float>(bias);
        int rows = batch * steps;
        if (pBias is not null)
        {
            // The input bias (row 0 of GRU reset_after's (2, 3u) bias) in every row, for the GEMM to add onto.
            var row = new ReadOnlySpan<float>(pBias, width);
            for (int r = 0; r < rows; r++) row.CopyTo(new Span<float>(pGates + (long)r * width, width));
        }
        CpuGemm.Sgemm(false, false, rows, width, features, 1f, CpuBackend.Pointer<float>(x), features,
            CpuBackend.Pointer<float>(kernel), width, pBias is null ? 0f : 1f, pGates, width, backend.Threads);

        float* pMask = mask is null ? null : CpuBackend.Pointer<float>(mask);
        float* pRecurrent = CpuBackend.Pointer<float>(recurrentKernel);
        if (lstm)
        {
            CpuLstm.Forward(g, pGates, pRecurrent, CpuBackend.Pointer<float>(h0), CpuBackend.Pointer<float>(c0!), pMask,
                CpuBackend.Pointer<float>(outputs), CpuBackend.Pointer<float>(inner), backend.Threads);
        }
        else
        {
            bool resetAfter = kind == RecurrentCellKind.GruResetAfter;
            float* recurrentBias = resetAfter && pBias is not null ? pBias + width : null;
            CpuGru.Forward(g, resetAfter, pGates, pRecurrent, recurrentBias, CpuBackend.Pointer<float>(h0), pMask,
                CpuBackend.Pointer<float>(outputs), CpuBackend.Pointer<float>(inner), backend.Threads);
        }
        return new RecurrentForward(gates, outputs, inner);
    }

    /// <summary>
    /// The backward pass from <paramref name="dOutputs"/> (shaped like the forward outputs).
    /// The recurrent kernel, bias and initial states always get their gradients (they come out of the
    /// loop anyway); those of x and the kernel only when asked for.
    /// </summary>
    public static RecurrentGradients Backward(CpuBackend backend, RecurrentCellKind kind, RecurrentForward forward, Tensor x, Tensor kernel,
        Tensor recurrentKernel, Tensor? bias, Tensor h0, Tensor? c0, Tensor? mask, bool goBackwards, Tensor dOutputs, bool wantInputs, bool wantKernel)
    {
        int batch = x.Shape[0], steps = x.Shape[1], features = x.Shape[2], u = recurrentKernel.Shape[0];
        var g = new SequenceGeometry(batch, steps, u, Gates(kind), goBackwards);
        int width = g.Width, rows = batch * steps;
        int threads = backend.Threads;
        var dGates = Tensor.Empty(new Shape(batch, steps, width), DType.Float32, backend);
        var dRecurrent = Tensor.Empty(recurrentKernel.Shape, DType.Float32, backend);
        var dH0 = Tensor.Empty(h0.Shape, DType.Float32, backend);
        Tensor? dC0 = c0 is null ? null : Tensor.Empty(c0.Shape, DType.Float32, backend);
        Tensor? dBias = bias is null ? null : Tensor.Empty(bias.Shape, DType.Float32, backend);

        float* pMask = mask is null ? null : CpuBackend.Pointer<float>(mask);
        float* pGates = CpuBackend.Pointer<float>(forward.Gates), pDGates = CpuBackend.Pointer<float>(dGates);
        if (kind == RecurrentCellKind.Lstm)
        {
            CpuLstm.Backward(g, pGates, CpuBackend.Pointer<float>(recurrentKernel), CpuBackend.Pointer<float>(h0), CpuBackend.Pointer<float>(c0!),
                pMask, CpuBackend.Pointer<float>(forward.Outputs), CpuBackend.Pointer<float>(forward.Inner), CpuBackend.Pointer<float>(dOutputs),
                pDGates, CpuBackend.Pointer<float>(dRecurrent), CpuBackend.Pointer<float>(dH0), CpuBackend.Pointer<float>(dC0!), threads);
        }
        else
        {
            bool resetAfter = kind == RecurrentCellKind.GruResetAfter;
            float* dRecurrentBias = resetAfter && dBias is not null ? CpuBackend.Pointer<float>(dBias) + width : null;
            CpuGru.Backward(g, resetAfter, pGates, CpuBackend.Pointer<float>(recurrentKernel), CpuBackend.Pointer<float>(h0), pMask,
                CpuBackend.Pointer<float>(forward.Outputs), CpuBackend.Pointer<float>(forward.Inner), CpuBackend.Pointer<float>(dOutputs),
                pDGates, CpuBackend.Pointer<float>(dRecurrent), dRecurrentBias, CpuBackend.Pointer<float>(dH0), threads);
        }

        // The input side, one GEMM each over every timestep: dx = dG·kernelᵀ, dkernel = xᵀ·dG, dbias = Σ dG.
        Tensor? dx = null, dKernel = null;
        if (wantInputs)
        {
            dx = Tensor.Empty(x.Shape, DType.Float32, backend);
            CpuGemm.Sgemm(false, true, rows, features, width, 1f, pDGates, width, CpuBackend.Pointer<float>(kernel), width,
                0f, CpuBackend.Pointer<float>(dx), features, threads);
        }
        if (wantKernel)
        {
            dKernel = Tensor.Empty(kernel.Shape, DType.Float32, backend);
            CpuGemm.Sgemm(true, false, features, width, rows, 1f, CpuBackend.Pointer<float>(x), features, pDGates, width,
                0f, CpuBackend.Pointer<float>(dKernel), width, threads);
        }
        if (dBias is not null) CpuGru.ColumnSums(pDGates, rows, width, CpuBackend.Pointer<float>(dBias));
        dGates.Dispose();
        return new RecurrentGradients(dx, dKernel, dRecurrent, dBias, dH0, dC0);
    }

    /// <summary>
    /// Keras's outputs at masked steps, as a (batch, steps) factor in processing order: with
    /// zero_output_for_mask the step's mask; otherwise 0 until a sample's first kept step (Keras
    /// repeats the previous output, zeros at first, while the state stays the initial state) and 1 after.
    /// </summary>
    public static Tensor OutputMask(CpuBackend backend, Tensor mask, bool goBackwards, bool zeroOutputForMask)
    {
        int batch = mask.Shape[0], steps = mask.Shape[1];
        var g = new SequenceGeometry(batch, steps, 1, 1, goBackwards);
        var factor = Tensor.Empty(new Shape(batch, steps), DType.Float32, backend);
        float* m = CpuBackend.Pointer<float>(mask), f = CpuBackend.Pointer<float>(factor);
        for (int b = 0; b < batch; b++)
        {
            bool started = false;
            for (int k = 0; k < steps; k++)
            {
                bool kept = g.Keeps(m, b, g.Time(k));
                started |= kept;
                f[(long)b * steps + k] = (zeroOutputForMask ? kept : started) ? 1f : 0f;
            }
        }
        return factor;
    }
}
