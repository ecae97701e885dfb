#nullable enable
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepNet.Cuda.Interop;

/// <summary>
/// NVRTC, the run-time CUDA C compiler (libnvrtc.so.13/12/11.2). Needs no GPU: CI compiles every
/// kernel with it. nvrtcResult is int (0 = NVRTC_SUCCESS); strings are UTF-8 byte pointers.
/// </summary>
internal static unsafe partial class Nvrtc
{
    private const string Lib = "nvrtc";

    public const int NVRTC_ERROR_INVALID_OPTION = 5;
    public const int NVRTC_ERROR_COMPILATION = 6;

    [LibraryImport(Lib, EntryPoint = "nvrtcVersion")]
    public static partial int nvrtcVersion(int* major, int* minor);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetNumSupportedArchs")]
    public static partial int nvrtcGetNumSupportedArchs(int* count);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetSupportedArchs")]
    public static partial int nvrtcGetSupportedArchs(int* archs);

    [LibraryImport(Lib, EntryPoint = "nvrtcCreateProgram")]
    public static partial int nvrtcCreateProgram(nint* program, byte* source, byte* name, int numHeaders, byte** headers, byte** includeNames);

    [LibraryImport(Lib, EntryPoint = "nvrtcDestroyProgram")]
    public static partial int nvrtcDestroyProgram(nint* program);

    [LibraryImport(Lib, EntryPoint = "nvrtcCompileProgram")]
    public static partial int nvrtcCompileProgram(nint program, int numOptions, byte** options);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetProgramLogSize")]
    public static partial int nvrtcGetProgramLogSize(nint program, nuint* size);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetProgramLog")]
    public static partial int nvrtcGetProgramLog(nint program, byte* log);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetPTXSize")]
    public static partial int nvrtcGetPTXSize(nint program, nuint* size);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetPTX")]
    public static partial int nvrtcGetPTX(nint program, byte* ptx);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetCUBINSize")]
    public static partial int nvrtcGetCUBINSize(nint program, nuint* size);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetCUBIN")]
    public static partial int nvrtcGetCUBIN(nint program, byte* cubin);

    [LibraryImport(Lib, EntryPoint = "nvrtcGetErrorString")]
    public static partial byte* nvrtcGetErrorString(int result);

    /// <summary>NVRTC's name for a status, e.g. NVRTC_ERROR_COMPILATION.</summary>
    public static string StatusName(int status)
    {
        byte* text = nvrtcGetErrorString(status);
        return text == null ? $"nvrtcResult {status}" : Marshal.PtrToStringUTF8((nint)text)!;
    }

    /// <summary>Throws a <see cref="CudaException"/> naming the call and NVRTC's status string.</summary>
    public static void Check(int status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status != 0) throw new CudaException("nvrtc", CudaDriver.CallName(call), status, StatusName(status));
    }
}
