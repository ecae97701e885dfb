namespace DeepNet.Tests;

/// <summary>How the tests find the shared data: a published runner far from the checkout names it with DEEPNET_SHARED.</summary>
[TestFixture]
[NonParallelizable] // sets a process-wide environment variable
public class TestPathsTests
{
    [Test]
    public void Shared_WithDeepnetSharedSet_IsThatFolder()
    {
        string? before = Environment.GetEnvironmentVariable(TestPaths.SharedVariable);
        string folder = Path.Combine(Path.GetTempPath(), "deepnet-shared-elsewhere");
        try
        {
            Environment.SetEnvironmentVariable(TestPaths.SharedVariable, folder);
            Assert.That(TestPaths.SharedFile("datasets", "mnist"), Is.EqualTo(Path.Combine(folder, "datasets", "mnist")));
        }
        finally
        {
            Environment.SetEnvironmentVariable(TestPaths.SharedVariable, before);
        }
    }

    [Test]
    public void Shared_WithoutTheVariable_IsBesideTheRepository()
    {
        string? before = Environment.GetEnvironmentVariable(TestPaths.SharedVariable);
        try
        {
            Environment.SetEnvironmentVariable(TestPaths.SharedVariable, null);
            string beside = Path.GetFullPath(Path.Combine(TestPaths.RepositoryRoot, "..", "shared"));
            Assume.That(Directory.Exists(beside), "this checkout has no ../shared beside it");
            Assert.That(TestPaths.Shared, Is.EqualTo(beside));
        }
        finally
        {
            Environment.SetEnvironmentVariable(TestPaths.SharedVariable, before);
        }
    }
}
