#nullable enable
namespace DeepNet.Cuda;

/// <summary>
/// A CUDA, cuBLAS, cuDNN or NVRTC call returned an error status. The message names the call,
/// the library's name for the status and its description, e.g.
/// "cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory".
/// </summary>
public sealed class CudaException : Exception
{
    public CudaException(string library, string call, int status, string statusName, string? detail = null)
        : base(Format(call, status, statusName, detail))
    {
        Library = library;
        Call = call;
        Status = status;
        StatusName = statusName;
    }

    /// <summary>"cuda", "cublas", "cudnn" or "nvrtc".</summary>
    public string Library { get; }

    /// <summary>The call as written at the call site, e.g. <c>cuInit(0)</c>.</summary>
    public string Call { get; }

    /// <summary>The raw status code.</summary>
    public int Status { get; }

    /// <summary>The library's name for the status, e.g. CUDA_ERROR_NO_DEVICE.</summary>
    public string StatusName { get; }

    private static string Format(string call, int status, string statusName, string? detail)
    {
        string text = $"{call} failed: {statusName} ({status})";
        return string.IsNullOrEmpty(detail) || detail == statusName ? text : $"{text}: {detail}";
    }
}
