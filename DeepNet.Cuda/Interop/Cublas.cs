#nullable enable
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepNet.Cuda.Interop;

/// <summary>
/// cuBLAS v2 API (libcublas.so.13/12/11): handle, stream, math mode and the float GEMMs. Column-major,
/// as every BLAS; the backend uses the row-major trick (C^T = B^T·A^T). alpha and beta are host
/// pointers (the default pointer mode). Status is int (0 = CUBLAS_STATUS_SUCCESS).
/// </summary>
internal static unsafe partial class Cublas
{
    private const string Lib = "cublas";

    public const int CUBLAS_OP_N = 0;
    public const int CUBLAS_OP_T = 1;

    public const int CUBLAS_COMPUTE_32F = 68;
    public const int CUBLAS_COMPUTE_32F_PEDANTIC = 69;
    public const int CUBLAS_COMPUTE_32F_FAST_16F = 74;
    public const int CUBLAS_COMPUTE_32F_FAST_16BF = 75;
    public const int CUBLAS_COMPUTE_32F_FAST_TF32 = 77;

    public const int CUDA_R_32F = 0;
    public const int CUDA_R_16F = 2;
    public const int CUDA_R_16BF = 14;

    public const int CUBLAS_DEFAULT_MATH = 0;
    public const int CUBLAS_TF32_TENSOR_OP_MATH = 3;

    public const int CUBLAS_GEMM_DEFAULT = -1;

    [LibraryImport(Lib, EntryPoint = "cublasCreate_v2")]
    public static partial int cublasCreate(nint* handle);

    [LibraryImport(Lib, EntryPoint = "cublasDestroy_v2")]
    public static partial int cublasDestroy(nint handle);

    [LibraryImport(Lib, EntryPoint = "cublasSetStream_v2")]
    public static partial int cublasSetStream(nint handle, nint stream);

    [LibraryImport(Lib, EntryPoint = "cublasSetMathMode")]
    public static partial int cublasSetMathMode(nint handle, int mode);

    [LibraryImport(Lib, EntryPoint = "cublasSgemm_v2")]
    public static partial int cublasSgemm(nint handle, int transA, int transB, int m, int n, int k,
        float* alpha, ulong a, int lda, ulong b, int ldb, float* beta, ulong c, int ldc);

    [LibraryImport(Lib, EntryPoint = "cublasSgemmStridedBatched")]
    public static partial int cublasSgemmStridedBatched(nint handle, int transA, int transB, int m, int n, int k,
        float* alpha, ulong a, int lda, long strideA, ulong b, int ldb, long strideB, float* beta, ulong c, int ldc, long strideC, int batchCount);

    [LibraryImport(Lib, EntryPoint = "cublasGemmEx")]
    public static partial int cublasGemmEx(nint handle, int transA, int transB, int m, int n, int k,
        void* alpha, ulong a, int aType, int lda, ulong b, int bType, int ldb, void* beta, ulong c, int cType, int ldc,
        int computeType, int algo);

    [LibraryImport(Lib, EntryPoint = "cublasGemmStridedBatchedEx")]
    public static partial int cublasGemmStridedBatchedEx(nint handle, int transA, int transB, int m, int n, int k,
        void* alpha, ulong a, int aType, int lda, long strideA, ulong b, int bType, int ldb, long strideB,
        void* beta, ulong c, int cType, int ldc, long strideC, int batchCount, int computeType, int algo);

    [LibraryImport(Lib, EntryPoint = "cublasGetStatusString")]
    public static partial byte* cublasGetStatusString(int status);

    private static string StatusName(int status) => status switch
    {
        1 => "CUBLAS_STATUS_NOT_INITIALIZED",
        3 => "CUBLAS_STATUS_ALLOC_FAILED",
        7 => "CUBLAS_STATUS_INVALID_VALUE",
        8 => "CUBLAS_STATUS_ARCH_MISMATCH",
        11 => "CUBLAS_STATUS_MAPPING_ERROR",
        13 => "CUBLAS_STATUS_EXECUTION_FAILED",
        14 => "CUBLAS_STATUS_INTERNAL_ERROR",
        15 => "CUBLAS_STATUS_NOT_SUPPORTED",
        16 => "CUBLAS_STATUS_LICENSE_ERROR",
        _ => $"cublasStatus_t {status}",
    };

    /// <summary>Throws a <see cref="CudaException"/> naming the call and cuBLAS's status string.</summary>
    public static void Check(int status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status == 0) return;
        byte* text = cublasGetStatusString(status);
        throw new CudaException("cublas", CudaDriver.CallName(call), status, StatusName(status), text == null ? null : Marshal.PtrToStringUTF8((nint)text));
    }
}
