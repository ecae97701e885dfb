#nullable enable
using DeepNet.Backends;
using DeepNet.Cuda.Interop;
using DeepNet.Cuda.Kernels;

namespace DeepNet.Cuda;

/// <summary>
/// The entry point DeepNet.Core's <see cref="Backend"/> finds by reflection (so nothing above Core
/// references CUDA types). <see cref="TryCreate"/> never throws: when there is no usable GPU it
/// returns false with the precise reason — the library that is missing and everywhere it was
/// looked for, or the driver call that failed and its status.
/// </summary>
public static class CudaBackendFactory
{
    /// <summary>Environment variable selecting the GPU (ordinal, default 0).</summary>
    public const string DeviceVariable = "DEEPNET_CUDA_DEVICE";

    public static bool TryCreate(out IBackend? backend, out string? why)
    {
        backend = null;
        try
        {
            if (!Probe(out int ordinal, out why)) return false;
            backend = new CudaBackend(ordinal, KernelCompiler.Default);
            why = null;
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException || e.Message.StartsWith("CUDA", StringComparison.Ordinal))
        {
            // Whatever stopped the device from opening is the reason: the caller decides what to do.
            why = $"{e.GetType().Name}: {e.Message}";
            return false;
        }
    }

    /// <summary>
    /// Checks, in order, that the driver loads, initialises and has a device, and that NVRTC and
    /// cuBLAS load. Returns false with the first reason found.
    /// </summary>
    public static unsafe bool Probe(out int ordinal, out string? why)
    {
        ordinal = 0;
        if (!LibraryResolver.TryLoad("cuda", out _, out why)) return false;
        int status = CudaDriver.cuInit(0);
        if (status != 0)
        {
            why = CudaDriver.Error(status, "cuInit(0)").Message;
            return false;
        }
        int count;
        status = CudaDriver.cuDeviceGetCount(&count);
        if (status != 0)
        {
            why = CudaDriver.Error(status, "cuDeviceGetCount").Message;
            return false;
        }
        if (count == 0)
        {
            why = "the CUDA driver reports no device (cuDeviceGetCount returned 0; check CUDA_VISIBLE_DEVICES).";
            return false;
        }
        string? requested = Environment.GetEnvironmentVariable(DeviceVariable);
        if (!string.IsNullOrWhiteSpace(requested) && (!int.TryParse(requested, out ordinal) || ordinal < 0 || ordinal >= count))
        {
            why = $"{DeviceVariable}={requested} does not name one of the {count} CUDA device(s) (0 to {count - 1}).";
            return false;
        }
        foreach (string library in new[] { "nvrtc", "cublas" })
        {
            if (!LibraryResolver.TryLoad(library, out _, out why)) return false;
        }
        why = null;
        return true;
    }
}
