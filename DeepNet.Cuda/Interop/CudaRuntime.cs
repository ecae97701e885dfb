#nullable enable
using System.Runtime.InteropServices;

namespace DeepNet.Cuda.Interop;

/// <summary>
/// The CUDA runtime (libcudart), only for version reporting: DeepNet drives the GPU through the
/// driver API, and cuBLAS/cuDNN share its primary context.
/// </summary>
internal static unsafe partial class CudaRuntime
{
    private const string Lib = "cudart";

    [LibraryImport(Lib, EntryPoint = "cudaRuntimeGetVersion")]
    public static partial int cudaRuntimeGetVersion(int* version);

    [LibraryImport(Lib, EntryPoint = "cudaDriverGetVersion")]
    public static partial int cudaDriverGetVersion(int* version);

    [LibraryImport(Lib, EntryPoint = "cudaGetErrorString")]
    public static partial byte* cudaGetErrorString(int error);
}
