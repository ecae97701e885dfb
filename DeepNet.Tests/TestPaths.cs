namespace DeepNet.Tests;

/// <summary>
/// Locates the repository root and the shared test data: <c>$DEEPNET_SHARED</c> when set (a published
/// test runner far from the checkout), else <c>../shared</c> beside the repository, else a
/// <c>shared</c> folder inside it (a copied checkout that carries its data along).
/// </summary>
public static class TestPaths
{
    /// <summary>The environment variable naming the shared data folder explicitly.</summary>
    public const string SharedVariable = "DEEPNET_SHARED";

    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DeepNet.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"DeepNet.sln not found above {AppContext.BaseDirectory}; set {SharedVariable} to the shared data folder.");
    });

    /// <summary>The repository root (the folder holding DeepNet.sln).</summary>
    public static string RepositoryRoot => s_root.Value;

    /// <summary>The shared data folder; read on every call so a runner may set the variable before its tests start.</summary>
    public static string Shared
    {
        get
        {
            string? explicitFolder = Environment.GetEnvironmentVariable(SharedVariable);
            if (!string.IsNullOrEmpty(explicitFolder)) return Path.GetFullPath(explicitFolder);
            string beside = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));
            string inside = Path.Combine(RepositoryRoot, "shared");
            return !Directory.Exists(beside) && Directory.Exists(inside) ? inside : beside;
        }
    }

    /// <summary>A path under the shared data folder.</summary>
    public static string SharedFile(params string[] parts) => Path.Combine([Shared, .. parts]);
}
