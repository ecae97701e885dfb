using DeepNet.Cuda;

namespace DeepNet.Tests.Cuda;

/// <summary>
/// A test class that needs a CUDA device: opens one for the class and, where none answers, ends
/// every test in Assert.Ignore with the reason (Assert.Fail when DEEPNET_REQUIRE_GPU=1, as
/// build.cake's TestGpu and the GPU runner set it), so a GPU test never passes without a GPU.
/// </summary>
public abstract class CudaDeviceFixture
{
    private string? _why;

    /// <summary>The device, or null where none answered (tests never run then).</summary>
    protected CudaBackend? Device { get; private set; }

    /// <summary>The device inside a test.</summary>
    protected CudaBackend Gpu => Device!;

    [OneTimeSetUp]
    public void OpenDevice()
    {
        if (CudaBackendFactory.TryCreate(out var backend, out _why)) Device = (CudaBackend)backend!;
    }

    [OneTimeTearDown]
    public void CloseDevice() => Device?.Dispose();

    [SetUp]
    public void RequireDevice()
    {
        if (Device is not null) return;
        string message = $"no CUDA device: {_why}";
        if (Environment.GetEnvironmentVariable("DEEPNET_REQUIRE_GPU") == "1") Assert.Fail(message);
        Assert.Ignore(message);
    }
}
