using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using DeepNet.Cuda.Kernels;

namespace DeepNet.Tests.Cuda;

/// <summary>
/// Host-side facts the kernels rely on, checked without a GPU: the architecture choice, the cache
/// key, and that the structs passed by value have the layout the compiled kernels expect.
/// </summary>
[TestFixture]
[Category("CudaCompile")]
public class KernelTargetTests
{
    private static readonly int[] s_nvrtc118 = { 35, 37, 50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87, 89, 90 };

    [TestCase(90, 90, KernelImageKind.Cubin, TestName = "ChooseTarget_H100WithNvrtc118_CubinForSm90")]
    [TestCase(86, 86, KernelImageKind.Cubin, TestName = "ChooseTarget_Sm86_CubinForSm86")]
    [TestCase(88, 87, KernelImageKind.Cubin, TestName = "ChooseTarget_UnknownMinor_NearestLowerSameMajor_Cubin")]
    [TestCase(100, 90, KernelImageKind.Ptx, TestName = "ChooseTarget_NewerMajorThanNvrtc_PtxForTheDriverToJit")]
    [TestCase(120, 90, KernelImageKind.Ptx, TestName = "ChooseTarget_Sm120WithNvrtc118_Ptx")]
    public void ChooseTarget(int device, int expectedArch, KernelImageKind expectedKind)
    {
        var (arch, kind) = KernelLibrary.ChooseTarget(device, s_nvrtc118);
        Assert.That(arch, Is.EqualTo(expectedArch));
        Assert.That(kind, Is.EqualTo(expectedKind));
    }

    [Test]
    public void ChooseTarget_DeviceOlderThanEveryNvrtcArch_SaysWhy()
    {
        var e = Assert.Throws<NotSupportedException>(() => KernelLibrary.ChooseTarget(61, new[] { 75, 80, 90 }));
        Assert.That(e!.Message, Does.Contain("compute capability 6.1").And.Contain("75, 80, 90"));
    }

    [Test]
    public void CacheKey_ChangesWithSourceOptionsVersionArchitectureAndKind()
    {
        var options = KernelCompiler.Options(80, KernelImageKind.Ptx);
        string key = KernelCompiler.CacheKey("src", "hdr", options, 11, 8, 80, KernelImageKind.Ptx);
        Assert.That(KernelCompiler.CacheKey("src", "hdr", options, 11, 8, 80, KernelImageKind.Ptx), Is.EqualTo(key));
        Assert.That(new[]
        {
            KernelCompiler.CacheKey("src2", "hdr", options, 11, 8, 80, KernelImageKind.Ptx),
            KernelCompiler.CacheKey("src", "hdr2", options, 11, 8, 80, KernelImageKind.Ptx),
            KernelCompiler.CacheKey("src", "hdr", KernelCompiler.Options(90, KernelImageKind.Ptx), 11, 8, 80, KernelImageKind.Ptx),
            KernelCompiler.CacheKey("src", "hdr", options, 12, 8, 80, KernelImageKind.Ptx),
            KernelCompiler.CacheKey("src", "hdr", options, 11, 8, 90, KernelImageKind.Ptx),
            KernelCompiler.CacheKey("src", "hdr", options, 11, 8, 80, KernelImageKind.Cubin),
        }, Has.None.EqualTo(key));
    }

    [Test]
    public void StructsPassedByValue_HaveTheSizeTheCompiledKernelsDeclare()
    {
        CudaTestSupport.RequireLibrary("nvrtc");
        string layout = CudaTestSupport.Ptx("layout.cu", 80);
        string optimizer = CudaTestSupport.Ptx("optimizer.cu", 80);
        // copy_box_u32(i64 n, int rank, Dims sizes, ...): parameter 2 is a Dims.
        Assert.That(ParamBytes(layout, "copy_box_u32", 2), Is.EqualTo(Unsafe.SizeOf<Dims>()), "Dims");
        // opt_adam(i64 n, OptParams p, ...): parameter 1 is the OptParams struct.
        Assert.That(ParamBytes(optimizer, "opt_adam", 1), Is.EqualTo(Unsafe.SizeOf<OptimizerParams>()), "OptimizerParams");
        string pooling = CudaTestSupport.Ptx("pooling.cu", 80);
        Assert.That(ParamBytes(pooling, "pool_fwd", 1), Is.EqualTo(Unsafe.SizeOf<PoolParams>()), "PoolParams");
        string convolution = CudaTestSupport.Ptx("convolution.cu", 80);
        Assert.That(ParamBytes(convolution, "conv_fwd", 1), Is.EqualTo(Unsafe.SizeOf<ConvParams>()), "ConvParams");
    }

    /// <summary>The byte size of an aggregate parameter in PTX: ".param .align 8 .b8 kernel_param_2[64]".</summary>
    private static int ParamBytes(string ptx, string kernel, int index)
    {
        var m = Regex.Match(ptx, $@"\.param \.align \d+ \.b8 {kernel}_param_{index}\[(\d+)\]");
        Assert.That(m.Success, Is.True, $"{kernel} parameter {index} is not an aggregate in the PTX");
        return int.Parse(m.Groups[1].Value);
    }
}
