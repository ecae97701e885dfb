using System.Text;

namespace DeepNet.Tests.Numpy;

/// <summary>Builds .npy bytes by hand (independently of the writer under test) and manages a temp folder.</summary>
internal static class NpyTestFiles
{
    /// <summary>
    /// A .npy file with the given header dict text, padded with spaces and '\n' to
    /// <paramref name="align"/> bytes, followed by <paramref name="data"/>.
    /// </summary>
    public static byte[] Build(string dict, byte[] data, int major = 1, int align = 64, Encoding? encoding = null)
    {
        int fixedLength = major == 1 ? 10 : 12;
        var dictBytes = (encoding ?? Encoding.ASCII).GetBytes(dict);
        int total = (fixedLength + dictBytes.Length + 1 + align - 1) / align * align;
        int headerLength = total - fixedLength;
        var file = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        if (major == 1) file.AddRange(BitConverter.GetBytes((ushort)headerLength));
        else file.AddRange(BitConverter.GetBytes((uint)headerLength));
        file.AddRange(dictBytes);
        file.AddRange(Enumerable.Repeat((byte)' ', headerLength - dictBytes.Length - 1));
        file.Add((byte)'\n');
        file.AddRange(data);
        return file.ToArray();
    }

    public static string Dict(string descr, string shape, string fortran = "False") =>
        $"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}";

    public static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    /// <summary>A fresh empty folder under the system temp folder.</summary>
    public static string NewTempFolder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "deepnet-npy-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Python with numpy, or null when this machine has none (the cross-check tests then skip).</summary>
    public static string? FindPythonWithNumpy()
    {
        foreach (string python in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(python, "-c \"import numpy\"")
                {
                    RedirectStandardError = true,
                    RedirectStandardOutput = true,
                });
                if (p is null) continue;
                p.WaitForExit(30_000);
                if (p.HasExited && p.ExitCode == 0) return python;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed
            }
        }
        return null;
    }
}
