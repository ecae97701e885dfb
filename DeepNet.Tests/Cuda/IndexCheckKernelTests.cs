using System.Text.RegularExpressions;

namespace DeepNet.Tests.Cuda;

/// <summary>
/// The index-reading kernels, compiled by NVRTC (no GPU): they take the error record as their
/// ninth parameter, as CudaBackend.Layout.cs launches them, and claim it with an atomic
/// compare-and-swap.
/// </summary>
[TestFixture]
[Category("CudaCompile")]
public class IndexCheckKernelTests
{
    [OneTimeSetUp]
    public void RequireNvrtc() => CudaTestSupport.RequireLibrary("nvrtc");

    [TestCase("gather_u32")]
    [TestCase("gather_u64")]
    [TestCase("scatter_add_f32")]
    [TestCase("scatter_add_i32")]
    [TestCase("scatter_add_i64")]
    public void LayoutKernel_TakesNineParameters_AndRecordsBadIndicesAtomically(string kernel)
    {
        string ptx = CudaTestSupport.Ptx("layout.cu", 80);
        int start = ptx.IndexOf($".entry {kernel}(", StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), $"{kernel} is in the PTX");
        int close = ptx.IndexOf(')', start);
        int parameters = Regex.Matches(ptx[start..close], @"\.param\b").Count;
        Assert.That(parameters, Is.EqualTo(9), "total, n, axisDim, inner, source, indices, wide, destination, error record");
        int next = ptx.IndexOf(".entry ", close, StringComparison.Ordinal);
        string body = next < 0 ? ptx[close..] : ptx[close..next];
        Assert.That(body, Does.Contain("atom.global.cas.b64"), "the first failure claims the record with atomicCAS");
    }
}
