using System.Text.RegularExpressions;
using DeepNet.Cuda.Interop;

namespace DeepNet.Tests.Cuda;

/// <summary>Shared checks of the CUDA tests.</summary>
internal static partial class CudaTestSupport
{
    /// <summary>
    /// Fails (never skips) when a toolkit library the CudaCompile tests need cannot be loaded: CI
    /// must install it, and the message says how.
    /// </summary>
    public static void RequireLibrary(string logicalName)
    {
        if (!LibraryResolver.TryLoad(logicalName, out _, out string? error))
            Assert.Fail($"{error}\nThe CudaCompile tests need Debian's libnvrtc11.2, libcublas11 and libcudart11.0: run `sudo .ci/install-deps`.");
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, int), string> s_ptx = new();

    /// <summary>
    /// PTX of an embedded kernel file, compiled once per test run (no disk cache) and shared by
    /// the tests that inspect it.
    /// </summary>
    public static string Ptx(string file, int architecture) => s_ptx.GetOrAdd((file, architecture), key =>
        System.Text.Encoding.ASCII.GetString(new DeepNet.Cuda.Kernels.KernelCompiler(cacheFolder: null)
            .Compile(key.Item1, key.Item2, DeepNet.Cuda.Kernels.KernelImageKind.Ptx)));

    /// <summary>Names of the extern "C" __global__ kernels in a source, after its macros' instantiations.</summary>
    public static IReadOnlyList<string> KernelNames(string source)
    {
        var names = new List<string>();
        foreach (Match m in DirectKernel().Matches(source))
        {
            if (m.Groups[1].Value != "NAME") names.Add(m.Groups[1].Value);
        }
        // Kernels stamped out by a macro: MACRO(name, type) lines whose macro defines a kernel.
        foreach (Match define in KernelMacro().Matches(source))
        {
            string macro = define.Groups[1].Value;
            foreach (Match use in new Regex($@"^{macro}\((\w+),", RegexOptions.Multiline).Matches(source)) names.Add(use.Groups[1].Value);
        }
        return names;
    }

    [GeneratedRegex(@"extern ""C"" __global__ void (\w+)\(")]
    private static partial Regex DirectKernel();

    [GeneratedRegex(@"#define (\w+)\(NAME, T\) \\\s*\nextern ""C"" __global__ void NAME\(")]
    private static partial Regex KernelMacro();
}
