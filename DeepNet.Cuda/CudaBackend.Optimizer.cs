#nullable enable
using DeepNet.Backends;
using DeepNet.Cuda.Kernels;

namespace DeepNet.Cuda;

// Fused optimizer updates (optimizer.cu): one kernel per rule, one pass over variable, gradient and
// slots. Step-only scalars are computed here in float64 exactly as the CPU backend does.
public sealed unsafe partial class CudaBackend
{
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
        if (variable.Size == 0) return;

        EnterContext();
        var p = Parameters(step);
        long n = variable.Size;
        ulong w = Ptr(variable), g = Ptr(gradient);
        ulong s0 = slots.Count > 0 ? Ptr(slots[0]) : 0, s1 = slots.Count > 1 ? Ptr(slots[1]) : 0, s2 = slots.Count > 2 ? Ptr(slots[2]) : 0;
        // RmsProp's optional slots: [v, (m when momentum), (a when centered)] → kernel (v, m, a).
        if (step.Kind == OptimizerKind.RmsProp)
        {
            ulong v = s0, m = step.Momentum > 0f ? s1 : 0, a = step.Centered ? (step.Momentum > 0f ? s2 : s1) : 0;
            (s0, s1, s2) = (v, m, a);
        }
        void** args = stackalloc void*[7];
        args[0] = &n;
        args[1] = &p;
        args[2] = &w;
        args[3] = &g;
        args[4] = &s0;
        args[5] = &s1;
        args[6] = &s2;
        string kernel = step.Kind switch
        {
            OptimizerKind.Sgd => "opt_sgd",
            OptimizerKind.RmsProp => "opt_rmsprop",
            OptimizerKind.Adam => "opt_adam",
            OptimizerKind.Adagrad => "opt_adagrad",
            OptimizerKind.Adadelta => "opt_adadelta",
            OptimizerKind.Adamax => "opt_adamax",
            OptimizerKind.Nadam => "opt_nadam",
            OptimizerKind.Ftrl => "opt_ftrl",
            _ => "opt_lion",
        };
        // cuLaunchKernel reads as many entries as the kernel has parameters: a kernel with fewer
        // slots never sees the trailing ones.
        Launch(_kernels.Function("optimizer.cu", kernel), n, args);
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

    private static OptimizerParams Parameters(in OptimizerStep s)
    {
        double t = s.Iteration, lr = s.LearningRate;
        double b1Power = Math.Pow(s.Beta1, t), b2Power = Math.Pow(s.Beta2, t);
        var (c0, c1, c2) = s.Kind switch
        {
            // α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ)
            OptimizerKind.Adam => ((float)(lr * Math.Sqrt(1 - b2Power) / (1 - b1Power)), 0f, 0f),
            // 1 − β₁ᵗ
            OptimizerKind.Adamax => ((float)(1 - b1Power), 0f, 0f),
            // 1 − Πₜ·μₜ₊₁, 1 − Πₜ, 1 − β₂ᵗ
            OptimizerKind.Nadam => ((float)(1 - (double)s.NadamMuProduct * s.NadamMuNext), (float)(1 - (double)s.NadamMuProduct), (float)(1 - b2Power)),
            _ => (0f, 0f, 0f),
        };
        return new OptimizerParams
        {
            LearningRate = s.LearningRate,
            Beta1 = s.Beta1,
            Beta2 = s.Beta2,
            Epsilon = s.Epsilon,
            Momentum = s.Momentum,
            Rho = s.Rho,
            Decay = s.LearningRate * s.WeightDecay,
            C0 = c0,
            C1 = c1,
            C2 = c2,
            Mu = s.NadamMu,
            MuNext = s.NadamMuNext,
            LearningRatePower = s.LearningRatePower,
            L1 = s.L1,
            L2 = s.L2,
            L2Shrinkage = s.L2Shrinkage,
            FtrlBeta = s.FtrlBeta,
            Nesterov = s.Nesterov ? 1 : 0,
            Centered = s.Centered ? 1 : 0,
            Amsgrad = s.Amsgrad ? 1 : 0,
        };
    }
}
