#nullable enable
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepNet.Cuda.Interop;

/// <summary>
/// The CUDA driver API (libcuda.so.1), the subset DeepNet uses; export names as in every header
/// from 11.4 to 13.0 (versioned _v2 where the header remaps). Handles are nint, CUdeviceptr is
/// ulong, size_t is nuint, CUresult is int (0 = CUDA_SUCCESS).
/// </summary>
internal static unsafe partial class CudaDriver
{
    private const string Lib = "cuda";

    // ---- values (cuda.h) ---------------------------------------------------------------------
    public const int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    public const int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    public const int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    public const uint CU_STREAM_NON_BLOCKING = 1;
    public const uint CU_EVENT_DISABLE_TIMING = 2;
    public const int CU_JIT_ERROR_LOG_BUFFER = 5;
    public const int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;

    public const int CUDA_ERROR_OUT_OF_MEMORY = 2;
    public const int CUDA_ERROR_NOT_INITIALIZED = 3;
    public const int CUDA_ERROR_NO_DEVICE = 100;
    public const int CUDA_ERROR_NOT_READY = 600;
    public const int CUDA_ERROR_NO_BINARY_FOR_GPU = 209;
    public const int CUDA_ERROR_INVALID_PTX = 218;
    public const int CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222;

    // ---- device and context ------------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "cuInit")]
    public static partial int cuInit(uint flags);

    [LibraryImport(Lib, EntryPoint = "cuDriverGetVersion")]
    public static partial int cuDriverGetVersion(int* version);

    [LibraryImport(Lib, EntryPoint = "cuDeviceGet")]
    public static partial int cuDeviceGet(int* device, int ordinal);

    [LibraryImport(Lib, EntryPoint = "cuDeviceGetCount")]
    public static partial int cuDeviceGetCount(int* count);

    [LibraryImport(Lib, EntryPoint = "cuDeviceGetName")]
    public static partial int cuDeviceGetName(byte* name, int length, int device);

    [LibraryImport(Lib, EntryPoint = "cuDeviceGetAttribute")]
    public static partial int cuDeviceGetAttribute(int* value, int attribute, int device);

    [LibraryImport(Lib, EntryPoint = "cuDeviceTotalMem_v2")]
    public static partial int cuDeviceTotalMem(nuint* bytes, int device);

    [LibraryImport(Lib, EntryPoint = "cuDevicePrimaryCtxRetain")]
    public static partial int cuDevicePrimaryCtxRetain(nint* context, int device);

    [LibraryImport(Lib, EntryPoint = "cuDevicePrimaryCtxRelease_v2")]
    public static partial int cuDevicePrimaryCtxRelease(int device);

    [LibraryImport(Lib, EntryPoint = "cuCtxSetCurrent")]
    public static partial int cuCtxSetCurrent(nint context);

    [LibraryImport(Lib, EntryPoint = "cuCtxGetCurrent")]
    public static partial int cuCtxGetCurrent(nint* context);

    [LibraryImport(Lib, EntryPoint = "cuCtxSynchronize")]
    public static partial int cuCtxSynchronize();

    // ---- memory ------------------------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "cuMemAlloc_v2")]
    public static partial int cuMemAlloc(ulong* pointer, nuint bytes);

    [LibraryImport(Lib, EntryPoint = "cuMemFree_v2")]
    public static partial int cuMemFree(ulong pointer);

    [LibraryImport(Lib, EntryPoint = "cuMemAllocHost_v2")]
    public static partial int cuMemAllocHost(void** pointer, nuint bytes);

    [LibraryImport(Lib, EntryPoint = "cuMemFreeHost")]
    public static partial int cuMemFreeHost(void* pointer);

    // CUresult cuMemHostAlloc(void** pp, size_t bytesize, unsigned int Flags): page-locked host memory.
    [LibraryImport(Lib, EntryPoint = "cuMemHostAlloc")]
    public static partial int cuMemHostAlloc(void** pointer, nuint bytes, uint flags);

    [LibraryImport(Lib, EntryPoint = "cuMemGetInfo_v2")]
    public static partial int cuMemGetInfo(nuint* free, nuint* total);

    [LibraryImport(Lib, EntryPoint = "cuMemcpyHtoD_v2")]
    public static partial int cuMemcpyHtoD(ulong destination, void* source, nuint bytes);

    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoH_v2")]
    public static partial int cuMemcpyDtoH(void* destination, ulong source, nuint bytes);

    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoD_v2")]
    public static partial int cuMemcpyDtoD(ulong destination, ulong source, nuint bytes);

    [LibraryImport(Lib, EntryPoint = "cuMemcpyHtoDAsync_v2")]
    public static partial int cuMemcpyHtoDAsync(ulong destination, void* source, nuint bytes, nint stream);

    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoHAsync_v2")]
    public static partial int cuMemcpyDtoHAsync(void* destination, ulong source, nuint bytes, nint stream);

    [LibraryImport(Lib, EntryPoint = "cuMemcpyDtoDAsync_v2")]
    public static partial int cuMemcpyDtoDAsync(ulong destination, ulong source, nuint bytes, nint stream);

    [LibraryImport(Lib, EntryPoint = "cuMemsetD32Async")]
    public static partial int cuMemsetD32Async(ulong destination, uint value, nuint count, nint stream);

    [LibraryImport(Lib, EntryPoint = "cuMemAllocAsync")]
    public static partial int cuMemAllocAsync(ulong* pointer, nuint bytes, nint stream);

    [LibraryImport(Lib, EntryPoint = "cuMemFreeAsync")]
    public static partial int cuMemFreeAsync(ulong pointer, nint stream);

    // ---- streams and events ------------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "cuStreamCreate")]
    public static partial int cuStreamCreate(nint* stream, uint flags);

    [LibraryImport(Lib, EntryPoint = "cuStreamDestroy_v2")]
    public static partial int cuStreamDestroy(nint stream);

    [LibraryImport(Lib, EntryPoint = "cuStreamSynchronize")]
    public static partial int cuStreamSynchronize(nint stream);

    [LibraryImport(Lib, EntryPoint = "cuStreamWaitEvent")]
    public static partial int cuStreamWaitEvent(nint stream, nint @event, uint flags);

    [LibraryImport(Lib, EntryPoint = "cuEventCreate")]
    public static partial int cuEventCreate(nint* @event, uint flags);

    [LibraryImport(Lib, EntryPoint = "cuEventRecord")]
    public static partial int cuEventRecord(nint @event, nint stream);

    [LibraryImport(Lib, EntryPoint = "cuEventSynchronize")]
    public static partial int cuEventSynchronize(nint @event);

    // CUDA_SUCCESS when the work before the event's record has finished, CUDA_ERROR_NOT_READY if not.
    [LibraryImport(Lib, EntryPoint = "cuEventQuery")]
    public static partial int cuEventQuery(nint @event);

    [LibraryImport(Lib, EntryPoint = "cuEventDestroy_v2")]
    public static partial int cuEventDestroy(nint @event);

    // v1 on purpose: the 12.8+ headers remap the name to _v2, which older drivers lack.
    [LibraryImport(Lib, EntryPoint = "cuEventElapsedTime")]
    public static partial int cuEventElapsedTime(float* milliseconds, nint start, nint end);

    // ---- modules and launch ------------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "cuModuleLoadData")]
    public static partial int cuModuleLoadData(nint* module, void* image);

    [LibraryImport(Lib, EntryPoint = "cuModuleLoadDataEx")]
    public static partial int cuModuleLoadDataEx(nint* module, void* image, uint numOptions, int* options, void** optionValues);

    [LibraryImport(Lib, EntryPoint = "cuModuleUnload")]
    public static partial int cuModuleUnload(nint module);

    [LibraryImport(Lib, EntryPoint = "cuModuleGetFunction")]
    public static partial int cuModuleGetFunction(nint* function, nint module, byte* name);

    [LibraryImport(Lib, EntryPoint = "cuLaunchKernel")]
    public static partial int cuLaunchKernel(nint function, uint gridX, uint gridY, uint gridZ,
        uint blockX, uint blockY, uint blockZ, uint sharedMemBytes, nint stream, void** kernelParams, void** extra);

    // ---- errors ------------------------------------------------------------------------------
    [LibraryImport(Lib, EntryPoint = "cuGetErrorName")]
    public static partial int cuGetErrorName(int error, byte** name);

    [LibraryImport(Lib, EntryPoint = "cuGetErrorString")]
    public static partial int cuGetErrorString(int error, byte** text);

    /// <summary>Throws a <see cref="CudaException"/> naming the call and the driver's status name and text.</summary>
    public static void Check(int status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status != 0) throw Error(status, call);
    }

    public static CudaException Error(int status, string call)
    {
        byte* name = null, text = null;
        string statusName = cuGetErrorName(status, &name) == 0 && name != null ? Marshal.PtrToStringUTF8((nint)name)! : $"CUresult {status}";
        string? detail = cuGetErrorString(status, &text) == 0 && text != null ? Marshal.PtrToStringUTF8((nint)text) : null;
        return new CudaException("cuda", CallName(call), status, statusName, detail);
    }

    /// <summary>"CudaDriver.cuInit(0)" → "cuInit(0)": the call as the C API names it.</summary>
    internal static string CallName(string call)
    {
        int dot = call.IndexOf('.');
        int paren = call.IndexOf('(');
        return dot >= 0 && (paren < 0 || dot < paren) ? call[(dot + 1)..] : call;
    }
}
