#nullable enable
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using DeepNet.Cuda.Interop;

namespace DeepNet.Cuda.Kernels;

/// <summary>What NVRTC produces: PTX (any newer GPU can JIT it) or CUBIN (machine code for one architecture).</summary>
public enum KernelImageKind
{
    Ptx,
    Cubin,
}

/// <summary>
/// Compiles the embedded CUDA C kernels (Kernels/*.cu, with the shared header common.cuh) with
/// NVRTC, and keeps the images in a disk cache keyed by a hash of (source, header, options, NVRTC
/// version, architecture, image kind), so a process compiles each file once per machine. The cache
/// folder is DEEPNET_KERNEL_CACHE, else $XDG_CACHE_HOME/deepnet/kernels, else
/// ~/.cache/deepnet/kernels; an unwritable cache is skipped, never an error.
/// </summary>
public sealed class KernelCompiler
{
    /// <summary>Environment variable naming the cache folder ("off" disables the cache).</summary>
    public const string CacheVariable = "DEEPNET_KERNEL_CACHE";

    /// <summary>The header every kernel file includes.</summary>
    public const string HeaderName = "common.cuh";

    private const string ResourcePrefix = "DeepNet.Cuda.Kernels.";

    private readonly string? _cacheFolder;

    /// <param name="cacheFolder">Where images are cached; null disables caching.</param>
    public KernelCompiler(string? cacheFolder) => _cacheFolder = cacheFolder;

    /// <summary>A compiler using the default cache folder (see the class summary).</summary>
    public static KernelCompiler Default { get; } = new(DefaultCacheFolder());

    /// <summary>Images compiled (not served from the cache) by this instance.</summary>
    public int Compilations { get; private set; }

    /// <summary>The kernel file names embedded in this assembly ("activation.cu", ...), sorted.</summary>
    public static IReadOnlyList<string> SourceFiles { get; } = typeof(KernelCompiler).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".cu", StringComparison.Ordinal))
        .Select(n => n[ResourcePrefix.Length..]).OrderBy(n => n, StringComparer.Ordinal).ToArray();

    /// <summary>The text of an embedded kernel file or header.</summary>
    public static string ReadSource(string fileName)
    {
        using var stream = typeof(KernelCompiler).Assembly.GetManifestResourceStream(ResourcePrefix + fileName)
            ?? throw new FileNotFoundException($"No embedded kernel source '{fileName}' in {typeof(KernelCompiler).Assembly.GetName().Name}.", fileName);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>NVRTC's version (major, minor), e.g. (11, 8).</summary>
    public static unsafe (int Major, int Minor) NvrtcVersion()
    {
        int major, minor;
        Nvrtc.Check(Nvrtc.nvrtcVersion(&major, &minor));
        return (major, minor);
    }

    /// <summary>The virtual architectures NVRTC can target (e.g. 35 … 90 for 11.8).</summary>
    public static unsafe int[] SupportedArchitectures()
    {
        int count;
        Nvrtc.Check(Nvrtc.nvrtcGetNumSupportedArchs(&count));
        var archs = new int[count];
        fixed (int* p = archs) Nvrtc.Check(Nvrtc.nvrtcGetSupportedArchs(p));
        return archs;
    }

    /// <summary>
    /// The options a kernel is compiled with. --fmad=false keeps a·b + c rounding twice, as C#
    /// does, so CUDA results match the CPU backend's.
    /// </summary>
    public static string[] Options(int architecture, KernelImageKind kind) =>
    [
        $"--gpu-architecture={(kind == KernelImageKind.Cubin ? "sm" : "compute")}_{architecture}",
        "--std=c++17",
        "--fmad=false",
        "--device-as-default-execution-space",
    ];

    /// <summary>
    /// Compiles embedded file <paramref name="fileName"/> for <paramref name="architecture"/> (e.g.
    /// 80 for sm_80), from the cache when it holds this exact image. Throws
    /// <see cref="KernelCompilationException"/> with NVRTC's log when the source does not compile.
    /// </summary>
    public byte[] Compile(string fileName, int architecture, KernelImageKind kind) =>
        Compile(fileName, ReadSource(fileName), ReadSource(HeaderName), architecture, kind);

    /// <summary>Compiles <paramref name="source"/> (which may include <see cref="HeaderName"/>).</summary>
    public byte[] Compile(string fileName, string source, string header, int architecture, KernelImageKind kind)
    {
        var options = Options(architecture, kind);
        var (major, minor) = NvrtcVersion();
        string? cachePath = null;
        if (_cacheFolder is not null)
        {
            string key = CacheKey(source, header, options, major, minor, architecture, kind);
            cachePath = Path.Combine(_cacheFolder, $"{Path.GetFileNameWithoutExtension(fileName)}-{kind.ToString().ToLowerInvariant()}{architecture}-{key}.bin");
            try
            {
                if (File.Exists(cachePath)) return File.ReadAllBytes(cachePath);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }

        byte[] image = CompileWithNvrtc(fileName, source, header, options, kind);
        Compilations++;
        if (cachePath is not null) TryWriteCache(cachePath, image);
        return image;
    }

    /// <summary>Hex SHA-256 of everything the image depends on.</summary>
    internal static string CacheKey(string source, string header, string[] options, int major, int minor, int architecture, KernelImageKind kind)
    {
        var text = new StringBuilder();
        text.Append("deepnet-kernel-v1\n").Append(major).Append('.').Append(minor).Append('\n')
            .Append(kind).Append(architecture).Append('\n').AppendJoin(' ', options).Append('\n')
            .Append(header).Append('\0').Append(source);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32].ToLowerInvariant();
    }

    private static unsafe byte[] CompileWithNvrtc(string fileName, string source, string header, string[] options, KernelImageKind kind)
    {
        // NVRTC takes NUL-terminated UTF-8; keep every buffer pinned for the calls.
        var strings = new List<GCHandle>();
        byte* Pin(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s + "\0");
            var handle = GCHandle.Alloc(bytes, GCHandleType.Pinned);
            strings.Add(handle);
            return (byte*)handle.AddrOfPinnedObject();
        }

        nint program = 0;
        try
        {
            byte* headerText = Pin(header);
            byte* headerName = Pin(HeaderName);
            Nvrtc.Check(Nvrtc.nvrtcCreateProgram(&program, Pin(source), Pin(fileName), 1, &headerText, &headerName));
            var optionPointers = stackalloc byte*[options.Length];
            for (int i = 0; i < options.Length; i++) optionPointers[i] = Pin(options[i]);
            int status = Nvrtc.nvrtcCompileProgram(program, options.Length, optionPointers);
            if (status != 0)
            {
                string log = ProgramLog(program);
                throw new KernelCompilationException(fileName, string.Join(' ', options), Nvrtc.StatusName(status), log);
            }
            nuint size;
            if (kind == KernelImageKind.Ptx)
            {
                Nvrtc.Check(Nvrtc.nvrtcGetPTXSize(program, &size));
                var ptx = new byte[(int)size];
                fixed (byte* p = ptx) Nvrtc.Check(Nvrtc.nvrtcGetPTX(program, p));
                return ptx; // NUL-terminated, as cuModuleLoadData wants PTX
            }
            Nvrtc.Check(Nvrtc.nvrtcGetCUBINSize(program, &size));
            var cubin = new byte[(int)size];
            fixed (byte* p = cubin) Nvrtc.Check(Nvrtc.nvrtcGetCUBIN(program, p));
            return cubin;
        }
        finally
        {
            if (program != 0) Nvrtc.nvrtcDestroyProgram(&program);
            foreach (var handle in strings) handle.Free();
        }
    }

    private static unsafe string ProgramLog(nint program)
    {
        nuint size;
        if (Nvrtc.nvrtcGetProgramLogSize(program, &size) != 0 || size <= 1) return "(NVRTC gave no log)";
        var log = new byte[(int)size];
        fixed (byte* p = log)
        {
            if (Nvrtc.nvrtcGetProgramLog(program, p) != 0) return "(NVRTC's log could not be read)";
        }
        return Encoding.UTF8.GetString(log, 0, log.Length - 1).TrimEnd();
    }

    private static void TryWriteCache(string path, byte[] image)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // Temporary file then rename: a concurrent reader never sees half an image.
            string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            File.WriteAllBytes(temporary, image);
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>DEEPNET_KERNEL_CACHE, else $XDG_CACHE_HOME/deepnet/kernels, else ~/.cache/deepnet/kernels; null when "off".</summary>
    public static string? DefaultCacheFolder()
    {
        string? explicitFolder = Environment.GetEnvironmentVariable(CacheVariable);
        if (!string.IsNullOrWhiteSpace(explicitFolder))
            return explicitFolder.Trim().Equals("off", StringComparison.OrdinalIgnoreCase) ? null : explicitFolder;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg)) return Path.Combine(xdg, "deepnet", "kernels");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "deepnet", "kernels");
    }
}

/// <summary>A kernel source did not compile; the message carries NVRTC's log.</summary>
public sealed class KernelCompilationException : Exception
{
    public KernelCompilationException(string fileName, string options, string status, string log)
        : base($"NVRTC could not compile {fileName} ({options}): {status}\n{log}")
    {
        FileName = fileName;
        Log = log;
    }

    public string FileName { get; }

    /// <summary>NVRTC's compile log.</summary>
    public string Log { get; }
}
