#nullable enable
using System.Reflection;
using DeepNet.Backends.Cpu;

namespace DeepNet.Backends;

/// <summary>
/// Chooses the backend new tensors live on: <c>DEEPNET_BACKEND=cpu|cuda</c> in the environment,
/// <see cref="Use(string)"/> in code, or automatic (CUDA when DeepNet.Cuda loads and a device
/// answers, else CPU). Asking for CUDA where there is none is an error, never a silent fallback.
/// </summary>
public static class Backend
{
    /// <summary>Environment variable that names the backend.</summary>
    public const string EnvironmentVariable = "DEEPNET_BACKEND";

    private static readonly object s_lock = new();
    private static IBackend? s_current;
    private static CpuBackend? s_cpu;

    /// <summary>The backend new tensors are created on.</summary>
    public static IBackend Current
    {
        get
        {
            var current = Volatile.Read(ref s_current);
            if (current is not null) return current;
            lock (s_lock)
            {
                return s_current ??= Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable));
            }
        }
    }

    /// <summary>The process-wide CPU backend.</summary>
    public static CpuBackend Cpu
    {
        get
        {
            lock (s_lock) return s_cpu ??= new CpuBackend();
        }
    }

    /// <summary>Selects a backend by name ("cpu", "cuda", or "auto").</summary>
    public static IBackend Use(string name)
    {
        var backend = Resolve(name);
        Use(backend);
        return backend;
    }

    /// <summary>Selects a backend instance for the rest of the process.</summary>
    public static void Use(IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        lock (s_lock) s_current = backend;
    }

    private static IBackend Resolve(string? name)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                return TryCreateCuda(out var cuda, out _) ? cuda! : Cpu;
            case "cpu":
                return Cpu;
            case "cuda" or "gpu":
                if (TryCreateCuda(out var gpu, out string why)) return gpu!;
                throw new InvalidOperationException($"The CUDA backend was requested ({EnvironmentVariable} or Backend.Use) but cannot start: {why}");
            default:
                throw new ArgumentException($"Unknown backend '{name}'. Use 'cpu', 'cuda' or 'auto'.", nameof(name));
        }
    }

    /// <summary>
    /// Loads DeepNet.Cuda if it is deployed and asks it for a device. The assembly is found at run
    /// time so that nothing above Core references CUDA types.
    /// </summary>
    private static bool TryCreateCuda(out IBackend? backend, out string why)
    {
        backend = null;
        Assembly assembly;
        try
        {
            assembly = Assembly.Load("DeepNet.Cuda");
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            why = "the DeepNet.Cuda assembly is not deployed with this application (reference the DeepNet.Cuda package).";
            return false;
        }
        var factory = assembly.GetType("DeepNet.Cuda.CudaBackendFactory")?.GetMethod("TryCreate", BindingFlags.Public | BindingFlags.Static);
        if (factory is null)
        {
            why = "this build of DeepNet.Cuda has no CUDA backend yet (DeepNet.Cuda.CudaBackendFactory.TryCreate is missing).";
            return false;
        }
        object?[] args = { null, null };
        bool ok = (bool)factory.Invoke(null, args)!;
        backend = args[0] as IBackend;
        why = args[1] as string ?? "no reason given";
        return ok && backend is not null;
    }
}
