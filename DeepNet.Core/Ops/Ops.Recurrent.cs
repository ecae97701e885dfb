#nullable enable
using DeepNet.Autograd;
using DeepNet.Backends;
using DeepNet.Backends.Cpu;
using DeepNet.Backends.Cpu.Recurrent;

namespace DeepNet;

// Fused whole-sequence recurrences (Keras LSTM and GRU with tanh and sigmoid): the inputs of every
// timestep projected in one GEMM, then per step one GEMM with the recurrent kernel and one pass
// over the gates, and a hand-written backward through time. One tape node for the whole sequence
// instead of a dozen per step. Tested against the per-step composition of primitives (the Keras
// cells) and against float64 finite differences.
public static partial class Ops
{
    /// <summary>Whether <see cref="LstmSequence"/> and <see cref="GruSequence"/> run on <paramref name="backend"/> (the CPU backend).</summary>
    public static bool SupportsFusedRecurrence(IBackend backend) => backend is CpuBackend;

    /// <summary>
    /// A Keras LSTM over a whole sequence (gates i, f, c, o; activation tanh, recurrent activation
    /// sigmoid): inputs (batch, time, features) with time ≥ 1, kernel (features, 4u), recurrentKernel
    /// (u, 4u), bias (4u,) or null, initial h and c (batch, u) or null for zeros, mask (batch, time)
    /// float32 or null. At a masked step a sample keeps its states and repeats its previous output
    /// (zeros before its first kept step), or outputs zeros with <paramref name="zeroOutputForMask"/>.
    /// goBackwards reads the sequence from the end and returns the outputs in that order.
    /// Returns the outputs ((batch, time, u) with <paramref name="returnSequences"/>, else the last
    /// (batch, u)) and the final states [h, c].
    /// </summary>
    public static (Tensor Outputs, Tensor[] States) LstmSequence(Tensor inputs, Tensor kernel, Tensor recurrentKernel, Tensor? bias,
        Tensor? initialH = null, Tensor? initialC = null, Tensor? mask = null, bool goBackwards = false, bool returnSequences = false,
        bool zeroOutputForMask = false) =>
        Recurrence("LstmSequence", RecurrentCellKind.Lstm, inputs, kernel, recurrentKernel, bias, initialH, initialC, mask,
            goBackwards, returnSequences, zeroOutputForMask);

    /// <summary>
    /// A Keras GRU over a whole sequence (gates z, r, h; tanh and sigmoid), shapes as in
    /// <see cref="LstmSequence"/> with 3u gate columns; bias (2, 3u) with <paramref name="resetAfter"/>
    /// (row 0 input, row 1 recurrent bias), else (3u,). Returns the outputs and the final state [h].
    /// </summary>
    public static (Tensor Outputs, Tensor[] States) GruSequence(Tensor inputs, Tensor kernel, Tensor recurrentKernel, Tensor? bias,
        bool resetAfter = true, Tensor? initialH = null, Tensor? mask = null, bool goBackwards = false, bool returnSequences = false,
        bool zeroOutputForMask = false) =>
        Recurrence("GruSequence", resetAfter ? RecurrentCellKind.GruResetAfter : RecurrentCellKind.GruResetBefore, inputs, kernel,
            recurrentKernel, bias, initialH, null, mask, goBackwards, returnSequences, zeroOutputForMask);

    private static (Tensor Outputs, Tensor[] States) Recurrence(string op, RecurrentCellKind kind, Tensor x, Tensor kernel, Tensor recurrentKernel,
        Tensor? bias, Tensor? initialH, Tensor? initialC, Tensor? mask, bool goBackwards, bool returnSequences, bool zeroOutputForMask)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(recurrentKernel);
        bool lstm = kind == RecurrentCellKind.Lstm;
        CheckRecurrenceShapes(op, kind, x, kernel, recurrentKernel, bias, initialH, initialC, mask);
        var backend = x.Backend as CpuBackend
            ?? throw new NotSupportedException($"{op}: the fused recurrence has CPU kernels only, not {x.Backend.Name} ones; run the cell step by step there (the Keras LSTM and GRU layers do so by themselves).");
        int batch = x.Shape[0], steps = x.Shape[1], u = recurrentKernel.Shape[0];

        var h0 = initialH ?? Tensor.Zeros(new Shape(batch, u), DType.Float32, backend);
        var c0 = lstm ? initialC ?? Tensor.Zeros(new Shape(batch, u), DType.Float32, backend) : null;
        var forward = CpuRecurrence.Forward(backend, kind, x, kernel, recurrentKernel, bias, h0, c0, mask, goBackwards);
        var packed = forward.Outputs;

        if (Recording)
        {
            var inputs = new List<Tensor> { x, kernel, recurrentKernel };
            if (bias is not null) inputs.Add(bias);
            int h0Index = inputs.Count;
            inputs.Add(h0);
            if (c0 is not null) inputs.Add(c0);
            var recorded = inputs.ToArray();
            GradientTape.Record(op, packed, recorded, (dy, want) =>
            {
                var grads = CpuRecurrence.Backward(backend, kind, forward, x, kernel, recurrentKernel, bias, h0, c0, mask, goBackwards, dy,
                    wantInputs: want[0], wantKernel: want[1]);
                var result = new Tensor?[recorded.Length];
                result[0] = grads.Inputs;
                result[1] = grads.Kernel;
                result[2] = grads.RecurrentKernel;
                if (bias is not null) result[3] = grads.Bias;
                result[h0Index] = grads.H0;
                if (c0 is not null) result[h0Index + 1] = grads.C0;
                return result;
            });
        }
        else
        {
            forward.Gates.Dispose();
            forward.Inner.Dispose();
            if (initialH is null) h0.Dispose();
            if (initialC is null) c0?.Dispose();
        }

        // The packed result holds every h (then the LSTM's final c); the layer's results are slices of it.
        var h = Reshape(Slice(packed, [0, steps - 1, 0], [batch, 1, u]), batch, u);
        Tensor[] states = lstm ? [h, Reshape(Slice(packed, [0, steps, 0], [batch, 1, u]), batch, u)] : [h];
        Tensor? outputMask = null;
        if (mask is not null && (zeroOutputForMask || initialH is not null))
        {
            // Outputs differ from the states only here (with zero initial states, h is 0 before the first kept step anyway).
            outputMask = CpuRecurrence.OutputMask(backend, mask, goBackwards, zeroOutputForMask);
        }
        Tensor outputs;
        if (returnSequences)
        {
            outputs = lstm ? Slice(packed, [0, 0, 0], [batch, steps, u]) : packed;
            if (outputMask is not null) outputs = Multiply(outputs, Reshape(outputMask, batch, steps, 1));
        }
        else
        {
            outputs = outputMask is null ? h : Multiply(h, Slice(outputMask, [0, steps - 1], [batch, 1]));
        }
        if (!Recording)
        {
            if (!ReferenceEquals(outputs, packed)) packed.Dispose();
            outputMask?.Dispose();
        }
        return (outputs, states);
    }

    private static void CheckRecurrenceShapes(string op, RecurrentCellKind kind, Tensor x, Tensor kernel, Tensor recurrentKernel,
        Tensor? bias, Tensor? initialH, Tensor? initialC, Tensor? mask)
    {
        SameBackend(op, x, kernel, recurrentKernel);
        CheckFloat(op, x, "inputs");
        CheckFloat(op, kernel, "kernel");
        CheckFloat(op, recurrentKernel, "recurrent_kernel");
        if (x.Rank != 3 || x.Shape[1] < 1)
            throw new ShapeMismatchException(op, $"expects inputs of shape (batch, time, features) with at least one timestep, got {x.Shape}.");
        int gates = CpuRecurrence.Gates(kind);
        CheckRank(op, recurrentKernel, 2, "recurrent_kernel");
        int u = recurrentKernel.Shape[0];
        if (recurrentKernel.Shape[1] != gates * u)
            throw new ShapeMismatchException(op, $"recurrent_kernel {recurrentKernel.Shape} must have shape (units, {gates}·units).");
        if (kernel.Shape != new Shape(x.Shape[2], gates * u))
            throw new ShapeMismatchException(op, $"kernel {kernel.Shape} must have shape ({x.Shape[2]}, {gates * u}) for inputs {x.Shape} and recurrent_kernel {recurrentKernel.Shape}.");
        if (bias is not null)
        {
            SameBackend(op, x, bias);
            CheckFloat(op, bias, "bias");
            var expected = kind == RecurrentCellKind.GruResetAfter ? new Shape(2, gates * u) : new Shape(gates * u);
            if (bias.Shape != expected)
                throw new ShapeMismatchException(op, $"bias {bias.Shape} must have shape {expected}.");
        }
        var stateShape = new Shape(x.Shape[0], u);
        foreach (var (state, name) in new[] { (initialH, "initial h"), (initialC, "initial c") })
        {
            if (state is null) continue;
            SameBackend(op, x, state);
            CheckFloat(op, state, name);
            if (state.Shape != stateShape)
                throw new ShapeMismatchException(op, $"{name} {state.Shape} must have shape {stateShape}.");
        }
        if (mask is not null)
        {
            SameBackend(op, x, mask);
            CheckFloat(op, mask, "mask");
            if (mask.Shape != new Shape(x.Shape[0], x.Shape[1]))
                throw new ShapeMismatchException(op, $"mask {mask.Shape} must have the (batch, time) shape of inputs {x.Shape}.");
        }
    }
}
