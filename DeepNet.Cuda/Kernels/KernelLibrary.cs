#nullable enable
using System.Text;
using DeepNet.Cuda.Interop;

namespace DeepNet.Cuda.Kernels;

/// <summary>
/// The compiled kernels of one device. Each .cu file is compiled (or read from the disk cache) the
/// first time one of its kernels is needed, for the best architecture NVRTC offers: a CUBIN when
/// NVRTC knows the device's major architecture (no driver JIT, no PTX-version mismatch with an
/// older driver), else PTX for the newest architecture NVRTC has, which the driver JIT-compiles.
/// A CUBIN the driver rejects falls back to PTX.
/// </summary>
internal sealed unsafe class KernelLibrary : IDisposable
{
    private readonly KernelCompiler _compiler;
    private readonly Action _enterContext;
    private readonly Dictionary<string, nint> _modules = new();
    private readonly Dictionary<string, nint> _functions = new();
    private readonly object _lock = new();

    public KernelLibrary(KernelCompiler compiler, int computeMajor, int computeMinor, Action enterContext)
    {
        _compiler = compiler;
        _enterContext = enterContext;
        (Architecture, ImageKind) = ChooseTarget(computeMajor * 10 + computeMinor, KernelCompiler.SupportedArchitectures());
    }

    /// <summary>The architecture kernels are compiled for (e.g. 90).</summary>
    public int Architecture { get; }

    public KernelImageKind ImageKind { get; }

    /// <summary>
    /// The highest NVRTC architecture not above the device's; CUBIN when it shares the device's
    /// major version (binary compatible), else PTX.
    /// </summary>
    internal static (int Architecture, KernelImageKind Kind) ChooseTarget(int device, IReadOnlyList<int> supported)
    {
        int best = -1;
        foreach (int arch in supported)
        {
            if (arch <= device && arch > best) best = arch;
        }
        if (best < 0)
            throw new NotSupportedException($"NVRTC cannot compile for this GPU (compute capability {device / 10}.{device % 10}); it supports {string.Join(", ", supported)}.");
        return (best, best / 10 == device / 10 ? KernelImageKind.Cubin : KernelImageKind.Ptx);
    }

    /// <summary>The kernel <paramref name="name"/> of file <paramref name="file"/> (e.g. "elementwise.cu").</summary>
    public nint Function(string file, string name)
    {
        lock (_lock)
        {
            if (_functions.TryGetValue(name, out nint f)) return f;
            if (!_modules.TryGetValue(file, out nint module))
            {
                module = LoadModule(file);
                _modules[file] = module;
            }
            var bytes = Encoding.ASCII.GetBytes(name + "\0");
            fixed (byte* p = bytes) CudaDriver.Check(CudaDriver.cuModuleGetFunction(&f, module, p), $"cuModuleGetFunction({name})");
            _functions[name] = f;
            return f;
        }
    }

    private nint LoadModule(string file)
    {
        _enterContext();
        if (ImageKind == KernelImageKind.Cubin)
        {
            byte[] cubin = _compiler.Compile(file, Architecture, KernelImageKind.Cubin);
            if (TryLoad(cubin, out nint module, out _, out _)) return module;
        }
        byte[] ptx = _compiler.Compile(file, Architecture, KernelImageKind.Ptx);
        if (TryLoad(ptx, out nint m, out int status, out string log)) return m;
        var error = CudaDriver.Error(status, $"cuModuleLoadDataEx({file}, compute_{Architecture})");
        throw new CudaException("cuda", error.Call, status, error.StatusName,
            $"{error.Message}{(log.Length > 0 ? "\n" + log : "")}" +
            (status == CudaDriver.CUDA_ERROR_UNSUPPORTED_PTX_VERSION ? "\nThe driver is older than NVRTC: update the NVIDIA driver or use an NVRTC matching it." : ""));
    }

    private static bool TryLoad(byte[] image, out nint module, out int status, out string log)
    {
        const int logSize = 8192;
        var buffer = new byte[logSize];
        nint m;
        fixed (byte* pImage = image)
        fixed (byte* pLog = buffer)
        {
            int* options = stackalloc int[2] { CudaDriver.CU_JIT_ERROR_LOG_BUFFER, CudaDriver.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES };
            void** values = stackalloc void*[2];
            values[0] = pLog;
            values[1] = (void*)(nint)logSize;
            status = CudaDriver.cuModuleLoadDataEx(&m, pImage, 2, options, values);
        }
        module = m;
        int end = Array.IndexOf(buffer, (byte)0);
        log = Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end).Trim();
        return status == 0;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _enterContext();
            foreach (nint module in _modules.Values) CudaDriver.cuModuleUnload(module);
            _modules.Clear();
            _functions.Clear();
        }
    }
}
