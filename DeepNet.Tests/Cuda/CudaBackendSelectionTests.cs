using System.Reflection;
using DeepNet.Backends;
using DeepNet.Cuda;

namespace DeepNet.Tests.Cuda;

/// <summary>
/// Asking for CUDA where there is none is an error that says what is missing, never a silent
/// fallback. These run on every machine; on a GPU machine they check the opposite.
/// </summary>
[TestFixture]
[Category("CudaCompile")]
public class CudaBackendSelectionTests
{
    [Test]
    public void TryCreate_HasTheSignatureCoreLooksUpByReflection()
    {
        var method = typeof(CudaBackendFactory).GetMethod("TryCreate", BindingFlags.Public | BindingFlags.Static);
        Assert.That(method, Is.Not.Null);
        Assert.That(method!.ReturnType, Is.EqualTo(typeof(bool)));
        var parameters = method.GetParameters();
        Assert.That(parameters.Select(p => p.ParameterType), Is.EqualTo(new[] { typeof(IBackend).MakeByRefType(), typeof(string).MakeByRefType() }));
        Assert.That(parameters.All(p => p.IsOut), Is.True);
    }

    [Test]
    public void TryCreate_NoDevice_ReturnsFalseWithThePreciseReason()
    {
        bool ok = CudaBackendFactory.TryCreate(out var backend, out string? why);
        if (ok)
        {
            Assert.That(backend, Is.Not.Null);
            Assert.That(backend!.Name, Is.EqualTo("cuda"));
            backend.Dispose();
            Assert.Pass("a CUDA device answered");
        }
        Assert.That(backend, Is.Null);
        Assert.That(why, Is.Not.Null.And.Not.Empty);
        // Either the driver library is missing (with the places tried) or a driver call failed (with its status).
        Assert.That(why, Does.Match(@"libcuda\.so\.1 not found \(tried: .+\)|failed: CUDA_ERROR_\w+ \(\d+\)|no device|libnvrtc|libcublas"));
    }

    [TestCase("cuda")]
    [TestCase("CUDA")]
    [TestCase("gpu")]
    public void BackendUse_Cuda_WithoutDevice_ThrowsInvalidOperationNamingWhatIsMissing(string name)
    {
        if (CudaBackendFactory.TryCreate(out var gpu, out string? why))
        {
            gpu!.Dispose();
            Assert.Ignore("a CUDA device is present: Backend.Use(\"cuda\") would succeed here");
        }
        // Backend.Use(name) resolves before it assigns, so a failure leaves the process-wide backend alone.
        var e = Assert.Throws<InvalidOperationException>(() => Backend.Use(name));
        Assert.That(e!.Message, Does.StartWith("The CUDA backend was requested (DEEPNET_BACKEND or Backend.Use) but cannot start: "));
        Assert.That(e.Message, Does.EndWith(why!));
        if (Environment.GetEnvironmentVariable(Backend.EnvironmentVariable)?.Trim().ToLowerInvariant() is not ("cuda" or "gpu"))
            Assert.That(Backend.Current.Name, Is.EqualTo("cpu"), "the failed request did not change the backend");
    }
}
