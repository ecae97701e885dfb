#nullable enable
using DeepNet.Cuda.Cudnn;
using DeepNet.Cuda.Interop;
using DeepNet.Cuda.Memory;

namespace DeepNet.Cuda;

// cuDNN is optional: one handle per backend, on the backend's stream, created only when libcudnn
// resolves and DEEPNET_CUDNN is not 0. Every op that can use it checks UseCudnn and its routing
// rule (Cudnn/CudnnRouting.cs) first and otherwise runs the own kernel, which stays the reference.
public sealed unsafe partial class CudaBackend
{
    private nint _cudnn;
    private int _cudnnMajor;
    private bool _useCudnn;
    private string? _noCudnnReason;
    private readonly Dictionary<ConvolutionKey, ConvolutionPlan?> _convolutionPlans = new();

    /// <summary>Whether cuDNN was loaded and a handle created for this backend.</summary>
    public bool HasCudnn => _cudnn != 0;

    /// <summary>cuDNN's version as (major, minor, patch), or null without cuDNN.</summary>
    public (int Major, int Minor, int Patch)? CudnnVersion { get; private set; }

    /// <summary>
    /// Whether convolution, pooling, softmax, activations and batch norm go through cuDNN where it
    /// computes the same thing (true by default when cuDNN is present). Set false to force the own
    /// kernels; setting true without cuDNN throws, saying why it is missing.
    /// </summary>
    public bool UseCudnn
    {
        get => _useCudnn;
        set
        {
            if (value && _cudnn == 0)
                throw new InvalidOperationException($"cuDNN is not available on this backend: {_noCudnnReason}.");
            _useCudnn = value;
        }
    }

    /// <summary>"cuDNN 9.12.0" or "no cuDNN (why)", for the device description.</summary>
    private string OpenCudnn()
    {
        string? setting = Environment.GetEnvironmentVariable("DEEPNET_CUDNN");
        if (CudnnRouting.DisabledByEnvironment(setting)) return NoCudnn($"disabled by DEEPNET_CUDNN={setting}");
        if (!LibraryResolver.TryLoad("cudnn", out _, out string? error))
            return NoCudnn(error ?? "libcudnn not found");
        try
        {
            return CreateCudnnHandle();
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // A libcudnn that loads but lacks an export the backend binds: the own kernels still work.
            return NoCudnn(e.Message);
        }
    }

    private string CreateCudnnHandle()
    {
        var version = CudnnRouting.DecodeVersion(Interop.Cudnn.cudnnGetVersion());
        if (version.Major < 8) return NoCudnn($"cuDNN {version.Major}.{version.Minor} is older than 8");
        nint handle;
        int status = Interop.Cudnn.cudnnCreate(&handle);
        if (status != 0) return NoCudnn($"cudnnCreate failed: {CudnnStatusText(status)}");
        status = Interop.Cudnn.cudnnSetStream(handle, _stream);
        if (status != 0)
        {
            Interop.Cudnn.cudnnDestroy(handle);
            return NoCudnn($"cudnnSetStream failed: {CudnnStatusText(status)}");
        }
        _cudnn = handle;
        _cudnnMajor = version.Major;
        _useCudnn = true;
        CudnnVersion = version;
        return $"cuDNN {version.Major}.{version.Minor}.{version.Patch}";
    }

    private string NoCudnn(string why)
    {
        _noCudnnReason = why;
        return $"no cuDNN ({why})";
    }

    private void CloseCudnn()
    {
        foreach (var plan in _convolutionPlans.Values) plan?.Dispose();
        _convolutionPlans.Clear();
        if (_cudnn != 0) Interop.Cudnn.cudnnDestroy(_cudnn);
        _cudnn = 0;
        _useCudnn = false;
    }

    private static string CudnnStatusText(int status)
    {
        byte* text = Interop.Cudnn.cudnnGetErrorString(status);
        return text == null ? $"cudnnStatus_t {status}" : $"{System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)text)} ({status})";
    }

    /// <summary>
    /// Whether a cuDNN status means "this geometry is not supported": the caller then falls back
    /// to the own kernel. Success is false; every other error throws.
    /// </summary>
    private bool CudnnDeclined(int status, string call)
    {
        if (status == 0) return false;
        if (CudnnRouting.IsNotSupported(status, _cudnnMajor)) return true;
        Interop.Cudnn.Check(status, call);
        return false;
    }

    /// <summary>A (rows, channels, 1, 1) float descriptor: rows × C with C contiguous, as NCHW sees it.</summary>
    private static nint RowsDescriptor(long rows, int channels)
    {
        nint d;
        Interop.Cudnn.Check(Interop.Cudnn.cudnnCreateTensorDescriptor(&d));
        int status = Interop.Cudnn.cudnnSetTensor4dDescriptor(d, Interop.Cudnn.CUDNN_TENSOR_NCHW, Interop.Cudnn.CUDNN_DATA_FLOAT, (int)rows, channels, 1, 1);
        if (status != 0)
        {
            Interop.Cudnn.cudnnDestroyTensorDescriptor(d);
            Interop.Cudnn.Check(status, "cudnnSetTensor4dDescriptor");
        }
        return d;
    }

    /// <summary>An NHWC float descriptor of (n, h, w, c).</summary>
    private static nint NhwcDescriptor(int n, int h, int w, int c)
    {
        nint d;
        Interop.Cudnn.Check(Interop.Cudnn.cudnnCreateTensorDescriptor(&d));
        int status = Interop.Cudnn.cudnnSetTensor4dDescriptor(d, Interop.Cudnn.CUDNN_TENSOR_NHWC, Interop.Cudnn.CUDNN_DATA_FLOAT, n, c, h, w);
        if (status != 0)
        {
            Interop.Cudnn.cudnnDestroyTensorDescriptor(d);
            Interop.Cudnn.Check(status, "cudnnSetTensor4dDescriptor");
        }
        return d;
    }

    /// <summary>Workspace from the caching allocator; freed right after the call (stream order makes reuse safe).</summary>
    private CachingAllocator.Block? Workspace(nuint bytes) => bytes == 0 ? null : _allocator.Allocate((long)bytes);

    private void FreeWorkspace(CachingAllocator.Block? block)
    {
        if (block is not null) _allocator.Free(block);
    }
}
