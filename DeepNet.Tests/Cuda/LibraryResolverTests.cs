using DeepNet.Cuda.Interop;

namespace DeepNet.Tests.Cuda;

/// <summary>Where the resolver looks, computed for made-up machines (no library is loaded).</summary>
[TestFixture]
public class LibraryResolverTests
{
    /// <summary>A machine with the given variables and folders.</summary>
    private static ResolverEnvironment Machine(Dictionary<string, string> variables, params string[] folders)
    {
        var set = new HashSet<string>(folders.Select(f => f.TrimEnd('/')));
        return new ResolverEnvironment(
            name => variables.TryGetValue(name, out var v) ? v : null,
            folder => set.Contains(folder.TrimEnd('/')),
            (parent, pattern) =>
            {
                string prefix = parent.TrimEnd('/') + "/" + pattern.TrimEnd('*');
                return set.Where(f => f.StartsWith(prefix, StringComparison.Ordinal) && f.IndexOf('/', prefix.Length) < 0).ToList();
            });
    }

    [Test]
    public void Candidates_Nvrtc_DeepnetCudaPathFirst_ThenWheels_ThenStandardFolders_ThenSystemLoader()
    {
        var env = Machine(
            new() { ["DEEPNET_CUDA_PATH"] = "/opt/cuda-x", ["HOME"] = "/home/u" },
            "/opt/cuda-x/lib64",
            "/home/u/.local/lib/python3.11", "/home/u/.local/lib/python3.11/site-packages/nvidia",
            "/home/u/.local/lib/python3.11/site-packages/nvidia/cuda_nvrtc/lib",
            "/usr/local/cuda/lib64", "/usr/lib/x86_64-linux-gnu");
        var paths = LibraryResolver.Candidates("nvrtc", env).Select(c => c.ToString()).ToList();
        Assert.That(paths, Is.EqualTo(new[]
        {
            "/opt/cuda-x/libnvrtc.so.13", "/opt/cuda-x/libnvrtc.so.12", "/opt/cuda-x/libnvrtc.so.11.2",
            "/opt/cuda-x/lib64/libnvrtc.so.13", "/opt/cuda-x/lib64/libnvrtc.so.12", "/opt/cuda-x/lib64/libnvrtc.so.11.2",
            "/home/u/.local/lib/python3.11/site-packages/nvidia/cuda_nvrtc/lib/libnvrtc.so.13",
            "/home/u/.local/lib/python3.11/site-packages/nvidia/cuda_nvrtc/lib/libnvrtc.so.12",
            "/home/u/.local/lib/python3.11/site-packages/nvidia/cuda_nvrtc/lib/libnvrtc.so.11.2",
            "/usr/local/cuda/lib64/libnvrtc.so.13", "/usr/local/cuda/lib64/libnvrtc.so.12", "/usr/local/cuda/lib64/libnvrtc.so.11.2",
            "/usr/lib/x86_64-linux-gnu/libnvrtc.so.13", "/usr/lib/x86_64-linux-gnu/libnvrtc.so.12", "/usr/lib/x86_64-linux-gnu/libnvrtc.so.11.2",
            "libnvrtc.so.13 (system loader search)", "libnvrtc.so.12 (system loader search)", "libnvrtc.so.11.2 (system loader search)",
        }));
    }

    [Test]
    public void SearchFolders_Cuda13Wheel_UsesTheSharedCu13Folder_AndCudnnItsOwn()
    {
        var env = Machine(
            new() { ["VIRTUAL_ENV"] = "/venv" },
            "/venv/lib/python3.12", "/venv/lib/python3.12/site-packages/nvidia",
            "/venv/lib/python3.12/site-packages/nvidia/cu13/lib", "/venv/lib/python3.12/site-packages/nvidia/cudnn/lib");
        Assert.That(LibraryResolver.SearchFolders("cublas", env), Is.EqualTo(new[] { "/venv/lib/python3.12/site-packages/nvidia/cu13/lib" }));
        Assert.That(LibraryResolver.SearchFolders("cudnn", env), Is.EqualTo(new[] { "/venv/lib/python3.12/site-packages/nvidia/cudnn/lib" }));
    }

    [Test]
    public void SitePackages_NewestPythonFirst_DebianDistPackagesIncluded()
    {
        var env = Machine(
            new(),
            "/usr/lib/python3.9", "/usr/lib/python3.9/dist-packages/nvidia",
            "/usr/lib/python3.11", "/usr/lib/python3.11/dist-packages/nvidia",
            "/usr/local/lib/python3.11", "/usr/local/lib/python3.11/site-packages/nvidia");
        Assert.That(LibraryResolver.SitePackages(env), Is.EqualTo(new[]
        {
            "/usr/local/lib/python3.11/site-packages", "/usr/lib/python3.11/dist-packages", "/usr/lib/python3.9/dist-packages",
        }));
    }

    [Test]
    public void Candidates_Driver_SonameOnlyThroughTheSystemLoaderFirst()
    {
        var env = Machine(new() { ["DEEPNET_CUDA_PATH"] = "/opt/cuda-x" }, "/usr/lib/x86_64-linux-gnu", "/usr/lib/wsl/lib", "/opt/cuda-x");
        var candidates = LibraryResolver.Candidates("cuda", env);
        Assert.That(candidates.Select(c => c.ToString()), Is.EqualTo(new[]
        {
            "libcuda.so.1 (system loader search)", "/usr/lib/x86_64-linux-gnu/libcuda.so.1", "/usr/lib/wsl/lib/libcuda.so.1",
        }));
    }

    [Test]
    public void Candidates_NoUnversionedName_EverTried()
    {
        var env = Machine(new() { ["LD_LIBRARY_PATH"] = "/a:/b" }, "/a", "/b", "/usr/lib/x86_64-linux-gnu");
        foreach (string library in LibraryResolver.LogicalNames)
        {
            foreach (var c in LibraryResolver.Candidates(library, env))
                Assert.That(c.Soname, Does.Match(@"\.so\.\d+(\.\d+)?$"), $"{library}: {c}");
        }
    }

    [Test]
    public void CudnnSubLibraries_Version9_GraphFirst_EnginesBeforeOpsCnnAdv()
    {
        string folder = Path.Combine(Path.GetTempPath(), "deepnet-cudnn-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            foreach (string name in new[]
            {
                "libcudnn.so.9", "libcudnn_adv.so.9", "libcudnn_cnn.so.9", "libcudnn_ops.so.9", "libcudnn_graph.so.9",
                "libcudnn_engines_precompiled.so.9", "libcudnn_engines_runtime_compiled.so.9", "libcudnn_heuristic.so.9",
                "libcudnn_engines_tensor_ir64.so.9", "libcudnn_ops.alt.so.9",
            })
                File.WriteAllBytes(Path.Combine(folder, name), Array.Empty<byte>());
            var order = LibraryResolver.CudnnSubLibraries(folder, "9").Select(Path.GetFileName).ToList();
            Assert.That(order, Is.EqualTo(new[]
            {
                "libcudnn_graph.so.9", "libcudnn_engines_precompiled.so.9", "libcudnn_engines_runtime_compiled.so.9",
                "libcudnn_engines_tensor_ir64.so.9", "libcudnn_heuristic.so.9", "libcudnn_ops.so.9", "libcudnn_cnn.so.9", "libcudnn_adv.so.9",
            }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
