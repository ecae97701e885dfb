using DeepNet.Cuda.Interop;
using DeepNet.Cuda.Kernels;

namespace DeepNet.Tests.Cuda;

/// <summary>
/// Every embedded .cu file compiles with the real NVRTC (Debian's libnvrtc.so.11.2 in CI) for the
/// architectures the backend targets. Needs no GPU; fails, rather than skips, when NVRTC is missing.
/// </summary>
[TestFixture]
[Category("CudaCompile")]
[Parallelizable(ParallelScope.Children)] // independent NVRTC programs compile concurrently
public class KernelCompileTests
{
    private static readonly int[] s_architectures = { 70, 80, 90 };

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (string file in KernelCompiler.SourceFiles)
        {
            foreach (int arch in s_architectures)
                yield return new TestCaseData(file, arch).SetName($"NvrtcCompile_{file.Replace(".cu", "")}_ToPtxForCompute{arch}");
        }
    }

    [OneTimeSetUp]
    public void RequireNvrtc() => CudaTestSupport.RequireLibrary("nvrtc");

    [Test]
    public void EmbeddedKernels_AreAllPresent()
    {
        Assert.That(KernelCompiler.SourceFiles, Is.SupersetOf(new[]
        {
            "activation.cu", "batchnorm.cu", "convolution.cu", "elementwise.cu", "layout.cu", "optimizer.cu", "pooling.cu", "random.cu", "reduce.cu", "softmax.cu",
        }));
        Assert.That(KernelCompiler.ReadSource(KernelCompiler.HeaderName), Does.Contain("struct Dims"));
    }

    [TestCaseSource(nameof(Cases))]
    public void NvrtcCompile(string file, int architecture)
    {
        string text;
        try
        {
            text = CudaTestSupport.Ptx(file, architecture);
        }
        catch (KernelCompilationException e)
        {
            Assert.Fail($"{file} does not compile for compute_{architecture}:\n{e.Message}");
            return;
        }
        Assert.That(text, Does.Contain($".target sm_{architecture}"), "PTX for the requested architecture");
        // Every extern "C" kernel of the file is an entry of the PTX under its own name.
        foreach (string kernel in CudaTestSupport.KernelNames(KernelCompiler.ReadSource(file)))
            Assert.That(text, Does.Contain($".entry {kernel}("), $"{file}: kernel {kernel} missing from the PTX");
    }

    [Test]
    public void NvrtcCompile_Cubin_ForSm80()
    {
        var compiler = new KernelCompiler(cacheFolder: null);
        byte[] cubin = compiler.Compile("elementwise.cu", 80, KernelImageKind.Cubin);
        // A CUBIN is an ELF file.
        Assert.That(cubin.Take(4).ToArray(), Is.EqualTo(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' }));
    }

    [Test]
    public void NvrtcCompile_SyntaxError_ThrowsWithTheLog()
    {
        var compiler = new KernelCompiler(cacheFolder: null);
        var e = Assert.Throws<KernelCompilationException>(() =>
            compiler.Compile("broken.cu", "extern \"C\" __global__ void k(float* y) { y[0] = undefined_name; }", "", 80, KernelImageKind.Ptx));
        Assert.That(e!.Message, Does.Contain("broken.cu").And.Contain("NVRTC_ERROR_COMPILATION").And.Contain("undefined_name"));
    }

    [Test]
    public void Compile_SecondTime_ComesFromTheDiskCache()
    {
        string folder = Path.Combine(Path.GetTempPath(), "deepnet-kernel-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var first = new KernelCompiler(folder);
            byte[] a = first.Compile("softmax.cu", 80, KernelImageKind.Ptx);
            var second = new KernelCompiler(folder);
            byte[] b = second.Compile("softmax.cu", 80, KernelImageKind.Ptx);
            Assert.That(first.Compilations, Is.EqualTo(1));
            Assert.That(second.Compilations, Is.EqualTo(0), "the second compiler found the image on disk");
            Assert.That(b, Is.EqualTo(a));
            Assert.That(Directory.GetFiles(folder), Has.Length.EqualTo(1));
            // Another architecture is another key.
            second.Compile("softmax.cu", 90, KernelImageKind.Ptx);
            Assert.That(second.Compilations, Is.EqualTo(1));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void NvrtcSupportedArchitectures_IncludeTheTestedOnes()
    {
        var (major, _) = KernelCompiler.NvrtcVersion();
        var archs = KernelCompiler.SupportedArchitectures();
        Assert.That(major, Is.GreaterThanOrEqualTo(11));
        if (major < 13) Assert.That(archs, Is.SupersetOf(s_architectures));
        else Assert.That(archs, Does.Contain(90));
    }
}
