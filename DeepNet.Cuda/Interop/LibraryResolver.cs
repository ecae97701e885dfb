#nullable enable
using System.Runtime.InteropServices;
using System.Text;

namespace DeepNet.Cuda.Interop;

/// <summary>
/// Finds and loads the CUDA libraries behind the logical names the bindings use ("cuda",
/// "cudart", "cublas", "cublasLt", "cudnn", "nvrtc").
/// <list type="bullet">
/// <item>Versioned sonames only, newest first: CUDA 13, 12, 11 (NVRTC 11.2 stands for 11.2–11.8),
/// cuDNN 9, 8. Unversioned names exist only in -dev packages.</item>
/// <item>Folders, in order: every entry of DEEPNET_CUDA_PATH (and its lib64/lib), the NVIDIA pip
/// wheels (site-packages/nvidia/cu13/lib and nvidia/&lt;component&gt;/lib), LD_LIBRARY_PATH,
/// CUDA_HOME/CUDA_PATH, the usual install folders; then the bare soname through the system loader
/// (ld.so.cache).</item>
/// <item>The driver, libcuda.so.1, belongs to the installed kernel module: the system loader
/// first, then the folders drivers are mounted in by containers and WSL.</item>
/// <item>Dependencies are loaded first, by absolute path from the folder the library was found in,
/// and their handles kept: NVRTC dlopens its builtins by bare name, cuBLAS needs cuBLASLt and the
/// cuDNN 9 shim dlopens its sub-libraries, and glibc reuses an object already loaded under the
/// same soname.</item>
/// <item>A library that cannot be loaded gives one message listing every path tried and why each
/// failed.</item>
/// </list>
/// </summary>
internal static class LibraryResolver
{
    /// <summary>Folders (separated by ':') searched before anything else.</summary>
    public const string PathVariable = "DEEPNET_CUDA_PATH";

    private static readonly object s_lock = new();
    private static readonly Dictionary<string, LoadResult> s_loaded = new();
    // Dependency handles: never freed, so later dlopens by soname find them.
    private static readonly List<nint> s_dependencies = new();

    /// <summary>The logical library names the bindings use.</summary>
    public static readonly string[] LogicalNames = { "cuda", "cudart", "cublasLt", "cublas", "cudnn", "nvrtc" };

    /// <summary>One place to look: an absolute path, or a bare soname for the system loader (Folder null).</summary>
    public readonly record struct Candidate(string Soname, string? Folder)
    {
        public string Path => Folder is null ? Soname : System.IO.Path.Combine(Folder, Soname);

        public override string ToString() => Folder is null ? $"{Soname} (system loader search)" : Path;
    }

    private readonly record struct LoadResult(nint Handle, string? Error);

    /// <summary>Sonames of a logical library, newest first.</summary>
    public static IReadOnlyList<string> Sonames(string logicalName) => logicalName switch
    {
        "cuda" => new[] { "libcuda.so.1" },
        "cudart" => new[] { "libcudart.so.13", "libcudart.so.12", "libcudart.so.11.0" },
        "cublas" => new[] { "libcublas.so.13", "libcublas.so.12", "libcublas.so.11" },
        "cublasLt" => new[] { "libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so.11" },
        "cudnn" => new[] { "libcudnn.so.9", "libcudnn.so.8" },
        "nvrtc" => new[] { "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2" },
        _ => throw new ArgumentException($"Unknown CUDA library '{logicalName}'.", nameof(logicalName)),
    };

    /// <summary>The pip-wheel component folder (site-packages/nvidia/&lt;folder&gt;/lib) of a CUDA 11/12 library.</summary>
    private static string? WheelComponent(string logicalName) => logicalName switch
    {
        "cudart" => "cuda_runtime",
        "cublas" or "cublasLt" => "cublas",
        "cudnn" => "cudnn",
        "nvrtc" => "cuda_nvrtc",
        _ => null,
    };

    // Where container runtimes, distributions and WSL put the driver's libcuda.so.1.
    private static readonly string[] s_driverFolders =
    {
        "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib", "/usr/lib/wsl/lib", "/usr/lib/aarch64-linux-gnu",
    };

    private static readonly string[] s_standardFolders =
    {
        "/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib", "/usr/local/cuda/lib",
        "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib",
        "/usr/lib/aarch64-linux-gnu",
    };

    /// <summary>
    /// Every place <paramref name="logicalName"/> is looked for, in order, in environment
    /// <paramref name="env"/>. Pure: reads the environment only through <paramref name="env"/>.
    /// </summary>
    public static IReadOnlyList<Candidate> Candidates(string logicalName, ResolverEnvironment env)
    {
        var sonames = Sonames(logicalName);
        var result = new List<Candidate>();
        if (logicalName == "cuda")
        {
            result.Add(new Candidate(sonames[0], null));
            foreach (string folder in s_driverFolders)
            {
                if (env.DirectoryExists(folder)) result.Add(new Candidate(sonames[0], folder));
            }
            return result;
        }
        foreach (string folder in SearchFolders(logicalName, env))
        {
            foreach (string soname in sonames) result.Add(new Candidate(soname, folder));
        }
        foreach (string soname in sonames) result.Add(new Candidate(soname, null));
        return result;
    }

    /// <summary>The folders searched for a toolkit library, in order, without duplicates.</summary>
    public static IReadOnlyList<string> SearchFolders(string logicalName, ResolverEnvironment env)
    {
        var folders = new List<string>();
        void Add(string? folder, bool mustExist = true)
        {
            if (string.IsNullOrWhiteSpace(folder)) return;
            folder = folder.TrimEnd('/');
            if (folder.Length == 0 || folders.Contains(folder)) return;
            if (!mustExist || env.DirectoryExists(folder)) folders.Add(folder);
        }

        // 1. DEEPNET_CUDA_PATH: the user's explicit choice. The entry itself is always listed so a
        //    typo shows up in the "tried" message.
        foreach (string entry in Split(env.Variable(PathVariable)))
        {
            Add(entry, mustExist: false);
            Add(entry + "/lib64");
            Add(entry + "/lib");
        }
        // 2. NVIDIA pip wheels: CUDA 13 puts every toolkit library in nvidia/cu13/lib; CUDA 11/12 and
        //    cuDNN use one folder per component.
        string? component = WheelComponent(logicalName);
        foreach (string sitePackages in SitePackages(env))
        {
            if (logicalName != "cudnn") Add(sitePackages + "/nvidia/cu13/lib");
            if (component is not null) Add(sitePackages + "/nvidia/" + component + "/lib");
        }
        // 3. The loader's own path, then the toolkit's variables and the usual install folders.
        foreach (string entry in Split(env.Variable("LD_LIBRARY_PATH"))) Add(entry);
        foreach (string variable in new[] { "CUDA_HOME", "CUDA_PATH" })
        {
            string? root = env.Variable(variable);
            if (string.IsNullOrWhiteSpace(root)) continue;
            Add(root + "/lib64");
            Add(root + "/lib");
        }
        foreach (string folder in s_standardFolders) Add(folder);
        return folders;
    }

    /// <summary>Python package folders where pip puts the NVIDIA wheels (site-packages and Debian's dist-packages).</summary>
    public static IReadOnlyList<string> SitePackages(ResolverEnvironment env)
    {
        var roots = new List<string>();
        foreach (string entry in Split(env.Variable("PYTHONPATH")))
        {
            if (env.DirectoryExists(entry + "/nvidia")) roots.Add(entry.TrimEnd('/'));
        }
        var libFolders = new List<string>();
        string? venv = env.Variable("VIRTUAL_ENV");
        if (!string.IsNullOrWhiteSpace(venv)) libFolders.Add(venv.TrimEnd('/') + "/lib");
        string? conda = env.Variable("CONDA_PREFIX");
        if (!string.IsNullOrWhiteSpace(conda)) libFolders.Add(conda.TrimEnd('/') + "/lib");
        string? home = env.Variable("HOME");
        if (!string.IsNullOrWhiteSpace(home)) libFolders.Add(home.TrimEnd('/') + "/.local/lib");
        libFolders.Add("/usr/local/lib");
        libFolders.Add("/usr/lib");
        foreach (string lib in libFolders)
        {
            // Newest Python first, so python3.12 wins over python3.9 (ordinal order would not).
            var pythons = env.ListDirectories(lib, "python3*").OrderByDescending(PythonMinor).ToList();
            foreach (string python in pythons)
            {
                foreach (string kind in new[] { "/site-packages", "/dist-packages" })
                {
                    string root = python.TrimEnd('/') + kind;
                    if (!roots.Contains(root) && env.DirectoryExists(root + "/nvidia")) roots.Add(root);
                }
            }
        }
        return roots;
    }

    private static int PythonMinor(string folder)
    {
        string name = System.IO.Path.GetFileName(folder.TrimEnd('/'));
        return name.StartsWith("python3.", StringComparison.Ordinal) && int.TryParse(name.AsSpan(8), out int minor) ? minor : -1;
    }

    private static IEnumerable<string> Split(string? list) =>
        string.IsNullOrWhiteSpace(list) ? Array.Empty<string>() : list.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // ---- loading -----------------------------------------------------------------------------

    /// <summary>
    /// Loads <paramref name="logicalName"/> (and its dependencies) once per process. On failure
    /// <paramref name="error"/> lists every candidate and why it failed.
    /// </summary>
    public static bool TryLoad(string logicalName, out nint handle, out string? error)
    {
        lock (s_lock)
        {
            if (!s_loaded.TryGetValue(logicalName, out var result))
            {
                result = Load(logicalName, ResolverEnvironment.System);
                s_loaded[logicalName] = result;
            }
            handle = result.Handle;
            error = result.Error;
            return handle != 0;
        }
    }

    /// <summary>Loads the library or throws <see cref="DllNotFoundException"/> with the full list of what was tried.</summary>
    public static nint Load(string logicalName)
    {
        if (TryLoad(logicalName, out nint handle, out string? error)) return handle;
        throw new DllNotFoundException(error);
    }

    private static LoadResult Load(string logicalName, ResolverEnvironment env)
    {
        // cuBLAS and cuDNN 9 need cuBLASLt; cuBLAS's own is preferred (same folder, below), so this
        // only matters for cuDNN, whose folder has none.
        if (logicalName == "cudnn") TryLoad("cublasLt", out _, out _);

        var tried = new List<string>();
        foreach (var candidate in Candidates(logicalName, env))
        {
            if (candidate.Folder is not null && !File.Exists(candidate.Path))
            {
                tried.Add($"{candidate.Path} (no such file)");
                continue;
            }
            if (candidate.Folder is not null && !TryLoadDependencies(logicalName, candidate, out string? dependencyError))
            {
                tried.Add($"{candidate.Path} ({dependencyError})");
                continue;
            }
            try
            {
                return new LoadResult(NativeLibrary.Load(candidate.Path), null);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                tried.Add($"{candidate} ({LoaderError(e.Message, candidate.Path)})");
            }
        }
        return new LoadResult(0, MissingMessage(logicalName, tried));
    }

    private static string MissingMessage(string logicalName, List<string> tried)
    {
        var text = new StringBuilder();
        var names = Sonames(logicalName);
        text.Append(names.Count == 1 ? names[0] : $"{string.Join(" / ", names)}").Append(" not found (tried: ");
        text.AppendJoin("; ", tried).Append(").");
        text.Append(logicalName switch
        {
            "cuda" => " libcuda.so.1 comes with the NVIDIA driver: install the driver (and, in a container, run it with the GPU exposed, e.g. docker --gpus all).",
            "cudnn" => $" Install cuDNN 9 (pip install nvidia-cudnn-cu12, or the libcudnn9 package) or point {PathVariable} at its lib folder.",
            _ => $" Install the CUDA toolkit libraries (pip install nvidia-cuda-nvrtc-cu12 nvidia-cublas-cu12 nvidia-cuda-runtime-cu12, or Debian's non-free libnvrtc11.2 libcublas11 libcudart11.0) or point {PathVariable} at their folder.",
        });
        return text.ToString();
    }

    /// <summary>
    /// The dynamic loader's own error (dlerror), which .NET puts on the last line of its message,
    /// without the repeated path: "cannot open shared object file: No such file or directory".
    /// </summary>
    private static string LoaderError(string message, string path)
    {
        string line = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? message;
        return line.StartsWith(path + ": ", StringComparison.Ordinal) ? line[(path.Length + 2)..] : line;
    }

    /// <summary>Loads what <paramref name="candidate"/> dlopens by bare name, from its own folder.</summary>
    private static bool TryLoadDependencies(string logicalName, Candidate candidate, out string? error)
    {
        error = null;
        string folder = candidate.Folder!;
        string version = candidate.Soname[(candidate.Soname.IndexOf(".so.", StringComparison.Ordinal) + 4)..];
        string major = version.Split('.')[0];
        var paths = new List<string>();
        switch (logicalName)
        {
            case "nvrtc":
                // libnvrtc-builtins.so.<major>.<minor> (CUDA 11/12) or .so.13.0: the shortest name is the soname.
                var builtins = Directory.EnumerateFiles(folder, $"libnvrtc-builtins.so.{major}*")
                    .Where(p => !p.Contains(".alt.", StringComparison.Ordinal))
                    .OrderBy(p => p.Length).ThenBy(p => p, StringComparer.Ordinal).Take(1);
                paths.AddRange(builtins);
                break;
            case "cublas":
                string lt = System.IO.Path.Combine(folder, $"libcublasLt.so.{version}");
                if (File.Exists(lt)) paths.Add(lt);
                break;
            case "cudnn":
                paths.AddRange(CudnnSubLibraries(folder, major));
                break;
        }
        foreach (string path in paths)
        {
            try
            {
                nint h = NativeLibrary.Load(path);
                lock (s_dependencies) s_dependencies.Add(h);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                error = $"its dependency {path} failed to load: {LoaderError(e.Message, path)}";
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// cuDNN's sub-libraries in load order. cuDNN 9: graph; engines, heuristic and any newer
    /// library; ops; cnn; adv (enumerated, since releases add engine libraries). cuDNN 8: ops, cnn,
    /// adv, each infer then train.
    /// </summary>
    internal static IReadOnlyList<string> CudnnSubLibraries(string folder, string major)
    {
        if (major == "8")
        {
            return new[] { "ops_infer", "ops_train", "cnn_infer", "cnn_train", "adv_infer", "adv_train" }
                .Select(n => System.IO.Path.Combine(folder, $"libcudnn_{n}.so.8")).Where(File.Exists).ToList();
        }
        var files = Directory.EnumerateFiles(folder, $"libcudnn_*.so.{major}")
            .Where(p => !p.Contains(".alt.", StringComparison.Ordinal))
            .OrderBy(p => p, StringComparer.Ordinal).ToList();
        static int Rank(string path)
        {
            string name = System.IO.Path.GetFileName(path);
            if (name.StartsWith("libcudnn_graph.", StringComparison.Ordinal)) return 0;
            if (name.StartsWith("libcudnn_ops.", StringComparison.Ordinal)) return 2;
            if (name.StartsWith("libcudnn_cnn.", StringComparison.Ordinal)) return 3;
            if (name.StartsWith("libcudnn_adv.", StringComparison.Ordinal)) return 4;
            return 1; // engines_*, heuristic and libraries added by later releases
        }
        return files.OrderBy(Rank).ToList();
    }
}

/// <summary>What the resolver may read of the machine: environment variables and folders. Tests pass a fake.</summary>
internal sealed record ResolverEnvironment(
    Func<string, string?> Variable,
    Func<string, bool> DirectoryExists,
    Func<string, string, IEnumerable<string>> ListDirectories)
{
    /// <summary>The real process environment and file system.</summary>
    public static ResolverEnvironment System { get; } = new(
        Environment.GetEnvironmentVariable,
        Directory.Exists,
        static (folder, pattern) =>
        {
            try
            {
                return Directory.Exists(folder) ? Directory.GetDirectories(folder, pattern) : Array.Empty<string>();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Array.Empty<string>();
            }
        });
}
