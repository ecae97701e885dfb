// DeepNet build script. Run with `dotnet tool restore && dotnet cake --target=<Target>`.
// Targets: Clean, Build, Test (CPU suite, what CI runs), TestGpu (the [Category("Gpu")] parity
// suite and GPU examples; needs an NVIDIA GPU), Bench (the benchmark app), Pack (NuGet packages).

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var workloads = Argument("workloads", "");
var solution = "./DeepNet.sln";
var artifacts = Directory("./artifacts");

Task("Clean")
    .Does(() =>
{
    CleanDirectories("./**/bin/" + configuration);
    CleanDirectories("./**/obj");
    CleanDirectory(artifacts);
});

Task("Build")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        Filter = "TestCategory!=Gpu",
    });
});

Task("TestGpu")
    .IsDependentOn("Build")
    .Does(() =>
{
    // Gpu tests end in Assert.Ignore with the reason when no CUDA device answers;
    // DEEPNET_REQUIRE_GPU=1 turns that into a failure so a GPU pipeline cannot pass without one.
    DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        Filter = "TestCategory=Gpu|TestCategory=CudaCompile",
        EnvironmentVariables = new Dictionary<string, string> { ["DEEPNET_REQUIRE_GPU"] = "1" },
    });
});

Task("Bench")
    .Does(() =>
{
    DotNetRun("./examples/Benchmarks/Benchmarks.csproj", new ProcessArgumentBuilder().Append(workloads),
        new DotNetRunSettings { Configuration = "Release" });
});

Task("Pack")
    .IsDependentOn("Build")
    .Does(() =>
{
    foreach (var project in new[] { "./DeepNet.Core/DeepNet.Core.csproj", "./DeepNet.Cuda/DeepNet.Cuda.csproj", "./DeepNet.Keras/DeepNet.Keras.csproj", "./DeepNet.Cli/DeepNet.Cli.csproj" })
    {
        DotNetPack(project, new DotNetPackSettings
        {
            Configuration = configuration,
            NoBuild = true,
            OutputDirectory = artifacts,
        });
    }
});

Task("Default").IsDependentOn("Test");

RunTarget(target);
