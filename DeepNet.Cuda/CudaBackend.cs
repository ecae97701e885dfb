#nullable enable
using DeepNet.Backends;
using DeepNet.Cuda.Interop;
using DeepNet.Cuda.Kernels;
using DeepNet.Cuda.Memory;
using DeepNet.Memory;

namespace DeepNet.Cuda;

/// <summary>
/// The backend contract on one NVIDIA GPU: the device's primary context (shared with cuBLAS and
/// cuDNN), one non-blocking stream all work is queued on, a caching allocator, cuBLAS for GEMM,
/// optional cuDNN for convolution, pooling, softmax, activations and batch norm
/// (CudaBackend.Cudnn.cs) and NVRTC-compiled kernels (Kernels/*.cu) for everything else. Host synchronisation
/// happens only where the host needs the data (Download) or asks for it (Synchronize).
/// Kernels live in one file per concern (CudaBackend.Gemm.cs, .Elementwise.cs, ...).
/// </summary>
public sealed unsafe partial class CudaBackend : IBackend
{
    private const int BlockSize = 256;

    // The context this thread last made current: .NET continuations hop threads, and the
    // current context is per thread.
    [ThreadStatic] private static nint t_currentContext;

    private readonly int _device;
    private readonly nint _context;
    private readonly nint _stream;
    private readonly nint _cublas;
    private readonly CachingAllocator _allocator;
    private readonly KernelLibrary _kernels;
    private readonly int _multiprocessors;
    private bool _disposed;

    /// <summary>Opens device <paramref name="ordinal"/>; see <see cref="CudaBackendFactory"/> for the checked path.</summary>
    internal CudaBackend(int ordinal, KernelCompiler compiler)
    {
        int device, major, minor, sms, driverVersion;
        CudaDriver.Check(CudaDriver.cuInit(0));
        CudaDriver.Check(CudaDriver.cuDeviceGet(&device, ordinal));
        _device = device;
        nint context;
        CudaDriver.Check(CudaDriver.cuDevicePrimaryCtxRetain(&context, device));
        _context = context;
        try
        {
            EnterContext();
            CudaDriver.Check(CudaDriver.cuDeviceGetAttribute(&major, CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device));
            CudaDriver.Check(CudaDriver.cuDeviceGetAttribute(&minor, CudaDriver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device));
            CudaDriver.Check(CudaDriver.cuDeviceGetAttribute(&sms, CudaDriver.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device));
            CudaDriver.Check(CudaDriver.cuDriverGetVersion(&driverVersion));
            _multiprocessors = Math.Max(1, sms);
            ComputeCapability = (major, minor);
            nuint totalMemory;
            CudaDriver.Check(CudaDriver.cuDeviceTotalMem(&totalMemory, device));
            var name = new byte[256];
            fixed (byte* p = name) CudaDriver.Check(CudaDriver.cuDeviceGetName(p, name.Length, device));
            DeviceName = System.Text.Encoding.UTF8.GetString(name, 0, Math.Max(0, Array.IndexOf(name, (byte)0))).Trim();

            nint stream, cublas;
            CudaDriver.Check(CudaDriver.cuStreamCreate(&stream, CudaDriver.CU_STREAM_NON_BLOCKING));
            _stream = stream;
            Cublas.Check(Cublas.cublasCreate(&cublas));
            _cublas = cublas;
            Cublas.Check(Cublas.cublasSetStream(_cublas, _stream));
            Cublas.Check(Cublas.cublasSetMathMode(_cublas, Cublas.CUBLAS_DEFAULT_MATH));
            // TF32 tensor cores for float32 GEMM on Ampere and newer, as TensorFlow does by default.
            AllowTf32 = major >= 8;
            string cudnn = OpenCudnn();

            _allocator = new CachingAllocator(new DriverMemory(EnterContext));
            _kernels = new KernelLibrary(compiler, major, minor, EnterContext);
            var (nvrtcMajor, nvrtcMinor) = KernelCompiler.NvrtcVersion();
            DeviceDescription = $"{DeviceName} (GPU {ordinal}, compute {major}.{minor}, {sms} SMs, {(ulong)totalMemory / (1024.0 * 1024 * 1024):F1} GiB, " +
                $"driver CUDA {driverVersion / 1000}.{driverVersion % 1000 / 10}, NVRTC {nvrtcMajor}.{nvrtcMinor}, kernels {_kernels.ImageKind} for sm_{_kernels.Architecture}, {cudnn})";
        }
        catch
        {
            // A half-opened device gives back what it took (statuses ignored: the first error is the one to report).
            CloseCudnn();
            if (_cublas != 0) Cublas.cublasDestroy(_cublas);
            if (_stream != 0) CudaDriver.cuStreamDestroy(_stream);
            CudaDriver.cuDevicePrimaryCtxRelease(device);
            throw;
        }
    }

    public string Name => "cuda";

    public string DeviceDescription { get; }

    /// <summary>The GPU's name as the driver reports it, e.g. "NVIDIA H100 80GB HBM3".</summary>
    public string DeviceName { get; }

    public (int Major, int Minor) ComputeCapability { get; }

    /// <summary>
    /// Whether float32 GEMMs may use TF32 tensor cores (10-bit mantissa inputs, float32
    /// accumulation). On by default on compute capability 8.0 and newer; set false for full
    /// float32 products.
    /// </summary>
    public bool AllowTf32 { get; set; }

    public MemoryStats Memory => _allocator.Stats;

    /// <summary>Returns cached, unused device memory and pinned host buffers to the driver.</summary>
    public void ReleaseCachedMemory()
    {
        EnterContext();
        Synchronize();
        _allocator.ReleaseCached();
        _pinned?.ReleaseCached();
    }

    internal void EnterContext()
    {
        if (t_currentContext == _context) return;
        CudaDriver.Check(CudaDriver.cuCtxSetCurrent(_context));
        t_currentContext = _context;
    }

    // ---- memory and transfer -----------------------------------------------------------------

    public DeviceBuffer Allocate(long elementCount, DType dtype)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementCount);
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnterContext();
        return new CudaBuffer(_allocator, elementCount * dtype.SizeInBytes());
    }

    /// <summary>The device address of a tensor of this backend.</summary>
    internal ulong Ptr(Tensor t)
    {
        if (t.Buffer is not CudaBuffer buffer || !ReferenceEquals(t.Backend, this))
            throw new ArgumentException($"The tensor {t} does not live on this CUDA backend; move it with tensor.To(backend).");
        return buffer.Pointer;
    }

    private static long Bytes(Tensor t) => t.Size * t.DType.SizeInBytes();

    // Transfers above this size skip the pinned staging buffer: the extra host copy would cost
    // more than the pageable path's blocking, and the pool should not pin that much memory.
    private const long MaxStagedBytes = 64L << 20;

    private PinnedStagingPool? _pinned;

    private PinnedStagingPool Pinned => _pinned ??= new PinnedStagingPool(new DriverPinnedMemory(EnterContext, _stream));

    private bool _pinningRefused;

    // Page-locking can be refused (ulimit -l, host memory): the copy then takes the pageable path,
    // and so do later ones rather than asking the driver again on every transfer.
    private PinnedStagingPool.Staging? TryRentStaging(long bytes)
    {
        if (bytes > MaxStagedBytes || _pinningRefused) return null;
        try
        {
            return Pinned.Rent(bytes);
        }
        catch (CudaException)
        {
            _pinningRefused = true;
            return null;
        }
    }

    /// <summary>Counters of the pinned host buffers that uploads and downloads stage through.</summary>
    public PinnedPoolStats PinnedMemory => _pinned?.Stats ?? default;

    public void Upload<T>(ReadOnlySpan<T> source, Tensor destination) where T : unmanaged
    {
        destination.CheckDType(DTypeExtensions.Of<T>(), "Upload");
        if (source.Length != destination.Size)
            throw new ShapeMismatchException("Upload", $"{source.Length} values for a tensor of shape {destination.Shape}.");
        if (source.IsEmpty) return;
        EnterContext();
        ulong dst = Ptr(destination);
        long bytes = (long)source.Length * sizeof(T);
        var staging = TryRentStaging(bytes);
        if (staging is null)
        {
            // From pageable memory the driver stages the data itself before returning, so the span
            // may be reused at once; the copy is ordered on the stream with the kernels.
            fixed (T* p = source)
                CudaDriver.Check(CudaDriver.cuMemcpyHtoDAsync(dst, p, (nuint)bytes, _stream));
            return;
        }
        // Copy into a pinned buffer and queue a truly asynchronous copy from it; the pool keeps the
        // buffer out of reuse until an event recorded after this copy has completed.
        bool queued = false;
        try
        {
            source.CopyTo(new Span<T>((void*)staging.Pointer, source.Length));
            CudaDriver.Check(CudaDriver.cuMemcpyHtoDAsync(dst, (void*)staging.Pointer, (nuint)bytes, _stream));
            queued = true;
        }
        finally
        {
            Pinned.Return(staging, copyInFlight: queued);
        }
    }

    public void Download<T>(Tensor source, Span<T> destination) where T : unmanaged
    {
        source.CheckDType(DTypeExtensions.Of<T>(), "Download");
        if (destination.Length != source.Size)
            throw new ShapeMismatchException("Download", $"a destination of {destination.Length} values for a tensor of shape {source.Shape}.");
        if (destination.IsEmpty) return;
        EnterContext();
        ulong src = Ptr(source);
        long bytes = (long)destination.Length * sizeof(T);
        var staging = TryRentStaging(bytes);
        if (staging is null)
        {
            fixed (T* p = destination)
            {
                CudaDriver.Check(CudaDriver.cuMemcpyDtoHAsync(p, src, (nuint)bytes, _stream));
                CudaDriver.Check(CudaDriver.cuStreamSynchronize(_stream));
            }
        }
        else
        {
            // Into a pinned buffer, one stream sync, then to the caller's span. After the sync no
            // copy uses the buffer, so it goes back free (no event).
            try
            {
                CudaDriver.Check(CudaDriver.cuMemcpyDtoHAsync((void*)staging.Pointer, src, (nuint)bytes, _stream));
                CudaDriver.Check(CudaDriver.cuStreamSynchronize(_stream));
                new ReadOnlySpan<T>((void*)staging.Pointer, destination.Length).CopyTo(destination);
            }
            finally
            {
                Pinned.Return(staging, copyInFlight: false);
            }
        }
        ThrowIfDeviceError();
    }

    public void Copy(Tensor source, Tensor destination)
    {
        if (source.Size != destination.Size || source.DType != destination.DType)
            throw new ShapeMismatchException("Copy", $"source {source.DType.Name()}{source.Shape} and destination {destination.DType.Name()}{destination.Shape} differ.");
        if (ReferenceEquals(source.Buffer, destination.Buffer) || source.Size == 0) return;
        EnterContext();
        CudaDriver.Check(CudaDriver.cuMemcpyDtoDAsync(Ptr(destination), Ptr(source), (nuint)Bytes(source), _stream));
    }

    public void Fill(Tensor destination, float value)
    {
        if (destination.Size == 0) return;
        EnterContext();
        ulong p = Ptr(destination);
        switch (destination.DType)
        {
            case DType.Float32:
                CudaDriver.Check(CudaDriver.cuMemsetD32Async(p, BitConverter.SingleToUInt32Bits(value), (nuint)destination.Size, _stream));
                break;
            case DType.Int32:
                CudaDriver.Check(CudaDriver.cuMemsetD32Async(p, unchecked((uint)(int)value), (nuint)destination.Size, _stream));
                break;
            default:
                FillWords64(p, destination.Size, unchecked((ulong)(long)value));
                break;
        }
    }

    private void FillWords64(ulong p, long n, ulong value)
    {
        var f = _kernels.Function("elementwise.cu", "fill_u64");
        void** args = stackalloc void*[3];
        args[0] = &n;
        args[1] = &p;
        args[2] = &value;
        Launch(f, n, args);
    }

    public void Cast(Tensor source, Tensor destination)
    {
        if (source.Size != destination.Size)
            throw new ShapeMismatchException("Cast", $"source {source.Shape} and destination {destination.Shape} differ in size.");
        if (source.DType == destination.DType)
        {
            Copy(source, destination);
            return;
        }
        if (source.Size == 0) return;
        string kernel = (source.DType, destination.DType) switch
        {
            (DType.Float32, DType.Int32) => "cast_f32_i32",
            (DType.Float32, DType.Int64) => "cast_f32_i64",
            (DType.Int32, DType.Float32) => "cast_i32_f32",
            (DType.Int64, DType.Float32) => "cast_i64_f32",
            (DType.Int32, DType.Int64) => "cast_i32_i64",
            _ => "cast_i64_i32",
        };
        EnterContext();
        long n = source.Size;
        ulong src = Ptr(source), dst = Ptr(destination);
        void** args = stackalloc void*[3];
        args[0] = &n;
        args[1] = &src;
        args[2] = &dst;
        Launch(_kernels.Function("elementwise.cu", kernel), n, args);
    }

    public void Synchronize()
    {
        EnterContext();
        CudaDriver.Check(CudaDriver.cuStreamSynchronize(_stream));
        ThrowIfDeviceError();
    }

    // ---- launching ---------------------------------------------------------------------------

    /// <summary>Launches a grid-stride kernel over <paramref name="n"/> items, BlockSize threads a block.</summary>
    internal void Launch(nint function, long n, void** args) => LaunchBlocks(function, (n + BlockSize - 1) / BlockSize, args);

    /// <summary>Launches <paramref name="blocks"/> blocks (capped: the kernels loop over the rest).</summary>
    internal void LaunchBlocks(nint function, long blocks, void** args)
    {
        long cap = (long)_multiprocessors * 64;
        uint grid = (uint)Math.Clamp(blocks, 1, cap);
        CudaDriver.Check(CudaDriver.cuLaunchKernel(function, grid, 1, 1, BlockSize, 1, 1, 0, _stream, args, null));
    }

    internal KernelLibrary Kernels => _kernels;

    // ---- checks shared by the kernels --------------------------------------------------------

    private static void RequireFloat(Tensor t, string op, string name)
    {
        if (t.DType != DType.Float32)
            throw new ArgumentException($"{op}: {name} must be float32, got {t.DType.Name()} with shape {t.Shape}.");
    }

    private static void RequireSameShape(string op, string nameA, Tensor a, string nameB, Tensor b)
    {
        if (a.Shape != b.Shape)
            throw new ShapeMismatchException(op, $"{nameA} {a.Shape} and {nameB} {b.Shape} must have the same shape.");
    }

    private static void CheckSameDType(string op, Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
            throw new ArgumentException($"{op}: element types differ: {a.DType.Name()}{a.Shape} and {b.DType.Name()}{b.Shape}.");
    }

    private static int NormalizeAxisFor(string op, Shape shape, int axis)
    {
        int a = axis < 0 ? axis + shape.Rank : axis;
        if (a < 0 || a >= shape.Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"{op}: axis {axis} is out of range for shape {shape} (rank {shape.Rank}).");
        return a;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        EnterContext();
        CudaDriver.cuStreamSynchronize(_stream);
        _kernels.Dispose();
        CloseCudnn();
        Cublas.cublasDestroy(_cublas);
        _allocator.ReleaseCached();
        _pinned?.Dispose();
        ReleaseErrorRecord();
        CudaDriver.cuStreamDestroy(_stream);
        CudaDriver.cuDevicePrimaryCtxRelease(_device);
        t_currentContext = 0;
        GC.SuppressFinalize(this);
    }

    public override string ToString() => $"cuda: {DeviceDescription}";
}
