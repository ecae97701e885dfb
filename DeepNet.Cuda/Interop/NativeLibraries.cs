#nullable enable
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepNet.Cuda.Interop;

/// <summary>
/// Maps the bindings' logical library names ("cuda", "cublas", "nvrtc", ...) to the libraries
/// <see cref="LibraryResolver"/> finds. Registered once, from the module initializer, before any
/// binding in this assembly can run (a second registration would throw).
/// </summary>
internal static class NativeLibraries
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The import resolver must be in place before the first P/Invoke of this assembly, on every OS.")]
    internal static void Register() => NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (Array.IndexOf(LibraryResolver.LogicalNames, libraryName) < 0) return 0;
        // Throwing (rather than returning 0) keeps the runtime from falling back to unversioned
        // names such as libcuda.so, which only -dev packages ship.
        return LibraryResolver.Load(libraryName);
    }
}
