#nullable enable
using DeepNet.Cuda.Cudnn;

namespace DeepNet.Cuda;

// Batch normalization through cuDNN (CUDNN_BATCHNORM_SPATIAL on x seen as (rows, C, 1, 1), so
// the statistics run over every row per channel, as the contract's channels-last layout wants):
// - inference: cudnnBatchNormalizationForwardInference;
// - backward: cudnnBatchNormalizationBackward, given the caller's mean and 1/√(variance + ε)
//   (bn_inv_std) as the saved statistics, so it differentiates exactly the statistics passed in;
// - training statistics stay on bn_stats: the contract returns the batch mean and the BIASED
//   batch variance (divided by rows, as Keras), while cudnnBatchNormalizationForwardTraining
//   returns the mean and 1/√(σ² + ε) and keeps an UNBIASED running variance (divided by
//   rows − 1); neither is the biased variance exactly, and the running averages are the layer's
//   business (momentum applied in Keras's convention outside the backend). Training's y is the
//   inference formula on those statistics, so it goes through cuDNN by way of BatchNormInference.
// cuDNN rejects ε below CUDNN_BN_MIN_EPSILON (1e-5): smaller ones (and one-row batches) stay on
// the own kernels (CudnnRouting.CanBatchNorm).
public sealed unsafe partial class CudaBackend
{
    private bool TryCudnnBatchNormInference(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance, float epsilon, Tensor y, long rows, int c)
    {
        if (!_useCudnn || !CudnnRouting.CanBatchNorm(rows, c, epsilon)) return false;
        // bn_apply may run in place; cuDNN does not promise it.
        if (Ptr(x) == Ptr(y)) return false;
        EnterContext();
        nint xDesc = 0, statsDesc = 0;
        try
        {
            xDesc = RowsDescriptor(rows, c);
            statsDesc = RowsDescriptor(1, c);
            float one = 1f, zero = 0f;
            int status = Interop.Cudnn.cudnnBatchNormalizationForwardInference(_cudnn, Interop.Cudnn.CUDNN_BATCHNORM_SPATIAL, &one, &zero,
                xDesc, Ptr(x), xDesc, Ptr(y), statsDesc, Ptr(gamma), Ptr(beta), Ptr(mean), Ptr(variance), epsilon);
            return !CudnnDeclined(status, "cudnnBatchNormalizationForwardInference");
        }
        finally
        {
            if (xDesc != 0) Interop.Cudnn.cudnnDestroyTensorDescriptor(xDesc);
            if (statsDesc != 0) Interop.Cudnn.cudnnDestroyTensorDescriptor(statsDesc);
        }
    }

    private bool TryCudnnBatchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor mean, Tensor variance, float epsilon,
        Tensor dx, Tensor dGamma, Tensor dBeta, long rows, int c)
    {
        if (!_useCudnn || !CudnnRouting.CanBatchNorm(rows, c, epsilon)) return false;
        EnterContext();
        using var invStd = Tensor.Empty(new Shape(c), DType.Float32, this);
        long channels = c;
        ulong pv = Ptr(variance), pinv = Ptr(invStd);
        void** args = stackalloc void*[4];
        args[0] = &channels;
        args[1] = &pv;
        args[2] = &epsilon;
        args[3] = &pinv;
        Launch(_kernels.Function("batchnorm.cu", "bn_inv_std"), channels, args);
        nint xDesc = 0, statsDesc = 0;
        try
        {
            xDesc = RowsDescriptor(rows, c);
            statsDesc = RowsDescriptor(1, c);
            float one = 1f, zero = 0f;
            int status = Interop.Cudnn.cudnnBatchNormalizationBackward(_cudnn, Interop.Cudnn.CUDNN_BATCHNORM_SPATIAL, &one, &zero, &one, &zero,
                xDesc, Ptr(x), xDesc, Ptr(dy), xDesc, Ptr(dx), statsDesc, Ptr(gamma), Ptr(dGamma), Ptr(dBeta), epsilon, Ptr(mean), pinv);
            return !CudnnDeclined(status, "cudnnBatchNormalizationBackward");
        }
        finally
        {
            if (xDesc != 0) Interop.Cudnn.cudnnDestroyTensorDescriptor(xDesc);
            if (statsDesc != 0) Interop.Cudnn.cudnnDestroyTensorDescriptor(statsDesc);
        }
    }
}
