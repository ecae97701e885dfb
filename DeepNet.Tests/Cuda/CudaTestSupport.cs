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
