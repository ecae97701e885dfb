namespace DeepNet.Tests;

/// <summary>Locates the repository root and the shared test data beside it (../shared).</summary>
public static class TestPaths
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DeepNet.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"DeepNet.sln not found above {AppContext.BaseDirectory}.");
    });

    /// <summary>The repository root (the folder holding DeepNet.sln).</summary>
    public static string RepositoryRoot => s_root.Value;

    /// <summary>The shared data folder beside the repository.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    /// <summary>A path under ../shared.</summary>
    public static string SharedFile(params string[] parts) => Path.Combine([Shared, .. parts]);
}
