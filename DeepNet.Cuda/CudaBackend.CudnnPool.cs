#nullable enable
using DeepNet.Backends;
using DeepNet.Backends.Cpu;
using DeepNet.Cuda.Cudnn;

namespace DeepNet.Cuda;

// Pooling through cuDNN: max and average (padded cells excluded, as Keras counts them) forward,
// average backward. Max backward and asymmetric padding stay on pooling.cu (CudnnRouting says why).
public sealed unsafe partial class CudaBackend
{
    private bool TryCudnnPoolForward(in PoolGeometry g, in PoolSpec spec, Tensor x, Tensor y)
    {
        if (!_useCudnn || !CudnnRouting.CanPool(g, spec, out _)) return false;
        return RunCudnnPooling(g, spec, x, y, null, null);
    }

    private bool TryCudnnPoolBackward(in PoolGeometry g, in PoolSpec spec, Tensor x, Tensor y, Tensor dy, Tensor dx)
    {
        if (!_useCudnn || !CudnnRouting.CanPoolBackward(g, spec, out _)) return false;
        return RunCudnnPooling(g, spec, x, y, dy, dx);
    }

    /// <summary>Forward when <paramref name="dy"/> is null, else backward into <paramref name="dx"/>.</summary>
    private bool RunCudnnPooling(in PoolGeometry g, in PoolSpec spec, Tensor x, Tensor y, Tensor? dy, Tensor? dx)
    {
        EnterContext();
        int mode = spec.Kind == PoolKind.Max ? Interop.Cudnn.CUDNN_POOLING_MAX : Interop.Cudnn.CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING;
        nint pool = 0, xDesc = 0, yDesc = 0;
        try
        {
            Interop.Cudnn.Check(Interop.Cudnn.cudnnCreatePoolingDescriptor(&pool));
            // A NaN in a max window gives NaN rather than being skipped: bad inputs stay visible.
            int status = Interop.Cudnn.cudnnSetPooling2dDescriptor(pool, mode, Interop.Cudnn.CUDNN_PROPAGATE_NAN,
                spec.PoolH, spec.PoolW, spec.PadTop, spec.PadLeft, spec.StrideH, spec.StrideW);
            if (CudnnDeclined(status, "cudnnSetPooling2dDescriptor")) return false;
            xDesc = NhwcDescriptor(g.N, g.H, g.W, g.C);
            yDesc = NhwcDescriptor(g.N, g.OH, g.OW, g.C);
            float one = 1f, zero = 0f;
            status = dy is null
                ? Interop.Cudnn.cudnnPoolingForward(_cudnn, pool, &one, xDesc, Ptr(x), &zero, yDesc, Ptr(y))
                : Interop.Cudnn.cudnnPoolingBackward(_cudnn, pool, &one, yDesc, Ptr(y), yDesc, Ptr(dy), xDesc, Ptr(x), &zero, xDesc, Ptr(dx!));
            return !CudnnDeclined(status, dy is null ? "cudnnPoolingForward" : "cudnnPoolingBackward");
        }
        finally
        {
            if (xDesc != 0) Interop.Cudnn.cudnnDestroyTensorDescriptor(xDesc);
            if (yDesc != 0) Interop.Cudnn.cudnnDestroyTensorDescriptor(yDesc);
            if (pool != 0) Interop.Cudnn.cudnnDestroyPoolingDescriptor(pool);
        }
    }
}
