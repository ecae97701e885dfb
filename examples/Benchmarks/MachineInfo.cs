using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace DeepNet.Benchmarks;

/// <summary>What the numbers were measured on: every result must be read with the CPU model beside it.</summary>
internal static class MachineInfo
{
    /// <summary>The "model name" line of /proc/cpuinfo, or the OS description elsewhere.</summary>
    public static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                    return line[(line.IndexOf(':') + 1)..].Trim();
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return RuntimeInformation.OSDescription;
    }

    /// <summary>The widest SIMD .NET runs natively here.</summary>
    public static string SimdWidth() =>
        Vector512.IsHardwareAccelerated ? "AVX-512 (512-bit)"
        : Vector256.IsHardwareAccelerated ? "AVX2 (256-bit)"
        : Vector128.IsHardwareAccelerated ? "128-bit"
        : "scalar";
}
