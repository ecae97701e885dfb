#nullable enable
using DeepNet.Cuda.Cudnn;

namespace DeepNet.Cuda;

// Softmax and log-softmax over the last axis through cuDNN: x seen as (rows, C, 1, 1) with
// CUDNN_SOFTMAX_MODE_INSTANCE, i.e. one distribution per row over its C values. ACCURATE
// subtracts the row maximum first, as softmax.cu and the CPU backend do; LOG is log-softmax.
// Backward takes the forward output y, as the contract does.
public sealed unsafe partial class CudaBackend
{
    private bool TryCudnnSoftmax(Tensor x, Tensor y, long rows, int cols, bool log)
    {
        if (!_useCudnn || !CudnnRouting.FitsRows(rows, cols)) return false;
        EnterContext();
        nint desc = RowsDescriptor(rows, cols);
        try
        {
            float one = 1f, zero = 0f;
            int status = Interop.Cudnn.cudnnSoftmaxForward(_cudnn, SoftmaxAlgorithm(log), Interop.Cudnn.CUDNN_SOFTMAX_MODE_INSTANCE,
                &one, desc, Ptr(x), &zero, desc, Ptr(y));
            return !CudnnDeclined(status, "cudnnSoftmaxForward");
        }
        finally
        {
            Interop.Cudnn.cudnnDestroyTensorDescriptor(desc);
        }
    }

    private bool TryCudnnSoftmaxBackward(Tensor y, Tensor dy, Tensor dx, long rows, int cols, bool log)
    {
        if (!_useCudnn || !CudnnRouting.FitsRows(rows, cols)) return false;
        EnterContext();
        nint desc = RowsDescriptor(rows, cols);
        try
        {
            float one = 1f, zero = 0f;
            int status = Interop.Cudnn.cudnnSoftmaxBackward(_cudnn, SoftmaxAlgorithm(log), Interop.Cudnn.CUDNN_SOFTMAX_MODE_INSTANCE,
                &one, desc, Ptr(y), desc, Ptr(dy), &zero, desc, Ptr(dx));
            return !CudnnDeclined(status, "cudnnSoftmaxBackward");
        }
        finally
        {
            Interop.Cudnn.cudnnDestroyTensorDescriptor(desc);
        }
    }

    private static int SoftmaxAlgorithm(bool log) => log ? Interop.Cudnn.CUDNN_SOFTMAX_LOG : Interop.Cudnn.CUDNN_SOFTMAX_ACCURATE;
}
