using System.Reflection;
using System.Runtime.InteropServices;
using DeepNet.Cuda.Interop;

namespace DeepNet.Tests.Cuda;

/// <summary>
/// Every bound export exists in the real library under the name the binding uses. The list comes
/// from the [LibraryImport] attributes themselves, so a new binding is covered automatically.
/// cuBLAS, cudart and NVRTC are installed in CI (Debian non-free); the driver and cuDNN cannot be,
/// so for them the test checks the missing-library message instead (and the exports on machines
/// that have them).
/// </summary>
[TestFixture]
[Category("CudaCompile")]
public class EntryPointTests
{
    private static readonly Type[] s_bindings = { typeof(CudaDriver), typeof(CudaRuntime), typeof(Cublas), typeof(Cudnn), typeof(Nvrtc) };

    /// <summary>(library, export) of every [LibraryImport] method of the bindings.</summary>
    internal static IReadOnlyList<(string Library, string Export)> BoundExports()
    {
        var result = new List<(string, string)>();
        foreach (var type in s_bindings)
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var import = method.GetCustomAttribute<LibraryImportAttribute>();
                if (import is not null) result.Add((import.LibraryName, import.EntryPoint ?? method.Name));
            }
        }
        return result;
    }

    [Test]
    public void BoundExports_CoverEveryBindingClass()
    {
        var exports = BoundExports();
        foreach (string library in new[] { "cuda", "cudart", "cublas", "cudnn", "nvrtc" })
            Assert.That(exports.Count(e => e.Library == library), Is.GreaterThan(0), $"no [LibraryImport] found for {library}");
        // Spot checks of the versioned names cuda-notes insists on.
        Assert.That(exports, Does.Contain(("cuda", "cuMemAlloc_v2")));
        Assert.That(exports, Does.Contain(("cuda", "cuDevicePrimaryCtxRelease_v2")));
        Assert.That(exports, Does.Contain(("cublas", "cublasSgemm_v2")));
        Assert.That(exports, Does.Contain(("cudnn", "cudnnSetRNNDescriptor_v8")));
        Assert.That(exports.Select(e => e.Export).Distinct().Count(), Is.EqualTo(exports.Count), "an export is bound twice");
    }

    [TestCase("cublas")]
    [TestCase("cudart")]
    [TestCase("nvrtc")]
    public void ToolkitLibrary_ExportsEveryBoundEntryPoint(string library)
    {
        CudaTestSupport.RequireLibrary(library);
        AssertExportsResolve(library);
    }

    [TestCase("cuda")]
    [TestCase("cudnn")]
    public void DriverOrCudnn_ExportsEveryBoundEntryPoint_OrReportsWhatWasTried(string library)
    {
        if (LibraryResolver.TryLoad(library, out _, out string? error))
        {
            AssertExportsResolve(library);
            return;
        }
        // Not installable here: the failure must be one clear message naming the sonames and places tried.
        Assert.That(error, Is.Not.Null);
        foreach (string soname in LibraryResolver.Sonames(library)) Assert.That(error, Does.Contain(soname));
        Assert.That(error, Does.Contain("not found (tried: "));
        Assert.That(error, Does.Contain("system loader search"));
        if (library == "cudnn")
        {
            Assert.That(error, Does.Contain("/usr/lib/x86_64-linux-gnu/libcudnn.so.9"), "standard folders are listed with full paths");
            Assert.That(error, Does.Contain(LibraryResolver.PathVariable), "the message says how to point at a cuDNN folder");
        }
        else
        {
            Assert.That(error, Does.Contain("NVIDIA driver"));
        }
        Assert.Throws<DllNotFoundException>(() => LibraryResolver.Load(library));
    }

    private static void AssertExportsResolve(string library)
    {
        Assert.That(LibraryResolver.TryLoad(library, out nint handle, out _), Is.True);
        var missing = BoundExports().Where(e => e.Library == library && !NativeLibrary.TryGetExport(handle, e.Export, out _))
            .Select(e => e.Export).ToList();
        Assert.That(missing, Is.Empty, $"exports bound but missing from {library}: {string.Join(", ", missing)}");
    }

    [Test]
    public void Nvrtc_ErrorStatus_ThrowsCudaExceptionNamingTheCallAndStatus()
    {
        CudaTestSupport.RequireLibrary("nvrtc");
        var e = Assert.Throws<DeepNet.Cuda.CudaException>(() => Nvrtc.Check(Nvrtc.NVRTC_ERROR_INVALID_OPTION, "Nvrtc.nvrtcCompileProgram(p, 1, options)"));
        Assert.That(e!.Message, Is.EqualTo("nvrtcCompileProgram(p, 1, options) failed: NVRTC_ERROR_INVALID_OPTION (5)"));
        Assert.That(e.Library, Is.EqualTo("nvrtc"));
    }

    [Test]
    public void Cublas_ErrorStatus_ThrowsCudaExceptionNamingTheCallAndStatus()
    {
        CudaTestSupport.RequireLibrary("cublas");
        var e = Assert.Throws<DeepNet.Cuda.CudaException>(() => Cublas.Check(7, "Cublas.cublasSgemm(h, 0, 0, -1, 1, 1)"));
        Assert.That(e!.Message, Does.StartWith("cublasSgemm(h, 0, 0, -1, 1, 1) failed: CUBLAS_STATUS_INVALID_VALUE (7)"));
    }
}
