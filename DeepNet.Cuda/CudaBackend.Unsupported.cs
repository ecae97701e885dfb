#nullable enable
using DeepNet.Backends;

namespace DeepNet.Cuda;

// Kernels the CUDA backend does not have yet: convolution will go through cuDNN (the bindings are
// in Interop/Cudnn.cs). Until then it fails loudly rather than fall back to the CPU behind the
// caller's back.
public sealed partial class CudaBackend
{
    private static NotImplementedException Missing(string kernel) =>
        new($"The CUDA backend does not have a {kernel} kernel yet (it will use cuDNN); run this model on the CPU backend (DEEPNET_BACKEND=cpu) for now.");

    public void ConvForward(Tensor x, Tensor kernel, Tensor y, in ConvSpec spec) => throw Missing("ConvForward");

    public void ConvBackwardData(Tensor dy, Tensor kernel, Tensor dx, in ConvSpec spec) => throw Missing("ConvBackwardData");

    public void ConvBackwardFilter(Tensor x, Tensor dy, Tensor dKernel, in ConvSpec spec) => throw Missing("ConvBackwardFilter");
}
