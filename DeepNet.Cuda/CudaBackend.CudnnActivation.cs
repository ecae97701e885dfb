#nullable enable
using DeepNet.Backends;
using DeepNet.Cuda.Cudnn;

namespace DeepNet.Cuda;

// Activations cuDNN has with the contract's formula and gradient: relu, sigmoid, tanh and elu
// (cuDNN's coefficient is elu's alpha). Only without a fused bias: cuDNN has no bias input, and
// the own kernel does the add and the activation in one pass. The tensor is seen as (n, 1, 1, 1).
public sealed unsafe partial class CudaBackend
{
    private bool TryCudnnActivation(ActivationKind kind, Tensor x, Tensor? bias, Tensor y, float alpha)
    {
        int mode = CudnnRouting.ActivationMode(kind);
        if (!_useCudnn || bias is not null || mode < 0 || !CudnnRouting.FitsRows(x.Size, 1)) return false;
        return RunCudnnActivation(mode, alpha, x, y, null, null);
    }

    private bool TryCudnnActivationBackward(ActivationKind kind, Tensor x, Tensor y, Tensor dy, Tensor dx, float alpha)
    {
        int mode = CudnnRouting.ActivationMode(kind);
        if (!_useCudnn || mode < 0 || !CudnnRouting.FitsRows(x.Size, 1)) return false;
        return RunCudnnActivation(mode, alpha, x, y, dy, dx);
    }

    /// <summary>Forward when <paramref name="dy"/> is null, else backward into <paramref name="dx"/>.</summary>
    private bool RunCudnnActivation(int mode, float alpha, Tensor x, Tensor y, Tensor? dy, Tensor? dx)
    {
        EnterContext();
        nint activation = 0, desc = 0;
        try
        {
            Interop.Cudnn.Check(Interop.Cudnn.cudnnCreateActivationDescriptor(&activation));
            double coefficient = mode == Interop.Cudnn.CUDNN_ACTIVATION_ELU ? alpha : 0.0;
            int status = Interop.Cudnn.cudnnSetActivationDescriptor(activation, mode, Interop.Cudnn.CUDNN_PROPAGATE_NAN, coefficient);
            if (CudnnDeclined(status, "cudnnSetActivationDescriptor")) return false;
            desc = RowsDescriptor(x.Size, 1);
            float one = 1f, zero = 0f;
            status = dy is null
                ? Interop.Cudnn.cudnnActivationForward(_cudnn, activation, &one, desc, Ptr(x), &zero, desc, Ptr(y))
                : Interop.Cudnn.cudnnActivationBackward(_cudnn, activation, &one, desc, Ptr(y), desc, Ptr(dy), desc, Ptr(x), &zero, desc, Ptr(dx!));
            return !CudnnDeclined(status, dy is null ? "cudnnActivationForward" : "cudnnActivationBackward");
        }
        finally
        {
            if (desc != 0) Interop.Cudnn.cudnnDestroyTensorDescriptor(desc);
            if (activation != 0) Interop.Cudnn.cudnnDestroyActivationDescriptor(activation);
        }
    }
}
