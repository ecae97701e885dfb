// DeepNet's GPU runner: one self-contained program that runs the [Category("Gpu")] parity suite of
// DeepNet.Tests and trains the examples for one epoch on CUDA, for a GPU machine with no .NET SDK.
//   GpuRunner all --report gpu-report.txt          tests (category Gpu) + examples on cuda, GPU required
//   GpuRunner test [-c CATEGORY]... [-t REGEX]...   tests only (default: category Gpu)
//   GpuRunner examples [--backend cuda]              MnistMlp, MnistCnn, MnistLstm for one epoch
//   GpuRunner example NAME -- ARGS...                any bundled example with its own arguments
// docs/gpu-testing.md says how to publish it and what to run on a lent GPU machine.
using System.CommandLine;
using DeepNet.GpuRunner;
using DeepNet.Tests;

var sharedOption = new Option<string?>("--shared")
{
    Description = $"The shared data folder (fixtures/, datasets/); default: ${TestPaths.SharedVariable}, else ../shared beside the repository above this program.",
};
var reportOption = new Option<string?>("--report") { Description = "Also write a compact text report to this file." };
var categoryOption = new Option<string[]>("--category", "-c") { Description = "Run tests of any of these categories (default: Gpu).", AllowMultipleArgumentsPerToken = true };
var excludeOption = new Option<string[]>("--exclude-category", "-x") { Description = "Leave out tests of these categories." };
var testOption = new Option<string[]>("--test", "-t") { Description = "Run tests whose full name matches any of these regular expressions." };
var anyCategoryOption = new Option<bool>("--any-category") { Description = "No category filter (with --test: every test whose name matches)." };
var requireGpuOption = new Option<bool>("--require-gpu") { Description = "A Gpu test that finds no CUDA device fails instead of being skipped (sets DEEPNET_REQUIRE_GPU=1)." };
var workersOption = new Option<int?>("--workers") { Description = "NUnit test workers (default: NUnit's)." };
var listOption = new Option<bool>("--list") { Description = "Print the selected tests' names and run nothing." };
var backendOption = new Option<string>("--backend") { Description = "Backend the examples train on: cuda, cpu or auto.", DefaultValueFactory = _ => "cuda" };
var epochsOption = new Option<int>("--epochs") { Description = "Epochs each example trains.", DefaultValueFactory = _ => 1 };
var seedOption = new Option<int>("--seed") { Description = "The examples' global random seed.", DefaultValueFactory = _ => 1 };
var onlyOption = new Option<string[]>("--only") { Description = $"Train only these examples (of {string.Join(", ", ExampleRun.Trained)})." };
var dataOption = new Option<string?>("--data") { Description = "MNIST IDX folder for the examples; default: mnist/ beside this program, else datasets/mnist in the shared folder." };
var nameArgument = new Argument<string>("name") { Description = $"The example: {string.Join(", ", ExampleRun.Bundled)}." };
var passArgument = new Argument<string[]>("arguments") { Description = "Its arguments (after --).", Arity = ArgumentArity.ZeroOrMore };

var test = new Command("test", "Run tests of DeepNet.Tests (default: category Gpu); one line per failure, then N passed, N failed, N skipped.")
{
    sharedOption, reportOption, categoryOption, excludeOption, testOption, anyCategoryOption, requireGpuOption, workersOption, listOption,
};
test.SetAction(parse =>
{
    UseShared(parse.GetValue(sharedOption));
    if (parse.GetValue(requireGpuOption)) Environment.SetEnvironmentVariable("DEEPNET_REQUIRE_GPU", "1");
    var selection = Selection(parse);
    if (parse.GetValue(listOption))
    {
        foreach (string name in TestRun.List(selection)) Console.WriteLine(name);
        return 0;
    }
    var report = new RunReport();
    bool ok = RunTests(selection, parse.GetValue(workersOption), report);
    Finish(report, parse.GetValue(reportOption));
    return ok ? 0 : 1;
});

var examples = new Command("examples", "Train MnistMlp, MnistCnn and MnistLstm (one epoch on cuda by default) and print their epoch and final lines.")
{
    sharedOption, reportOption, backendOption, epochsOption, seedOption, onlyOption, dataOption,
};
examples.SetAction(parse =>
{
    UseShared(parse.GetValue(sharedOption));
    var report = new RunReport();
    bool ok = RunExamples(parse.GetValue(backendOption)!, parse.GetValue(epochsOption), parse.GetValue(seedOption), parse.GetValue(onlyOption), parse.GetValue(dataOption), report);
    Finish(report, parse.GetValue(reportOption));
    return ok ? 0 : 1;
});

var all = new Command("all", "What a GPU machine runs: the Gpu tests with a device required, then the examples' one-epoch trainings on cuda; one report.")
{
    sharedOption, reportOption, categoryOption, excludeOption, testOption, workersOption, epochsOption, seedOption, onlyOption, dataOption,
};
all.SetAction(parse =>
{
    UseShared(parse.GetValue(sharedOption));
    Environment.SetEnvironmentVariable("DEEPNET_REQUIRE_GPU", "1");
    var report = new RunReport();
    bool testsOk = RunTests(Selection(parse), parse.GetValue(workersOption), report);
    bool examplesOk = RunExamples("cuda", parse.GetValue(epochsOption), parse.GetValue(seedOption), parse.GetValue(onlyOption), parse.GetValue(dataOption), report);
    Finish(report, parse.GetValue(reportOption));
    return testsOk && examplesOk ? 0 : 1;
});

var example = new Command("example", "Run one bundled example in-process with its own arguments, e.g. `example Benchmarks -- W0 --reps 3`.")
{
    sharedOption, reportOption, nameArgument, passArgument,
};
example.SetAction(parse =>
{
    UseShared(parse.GetValue(sharedOption));
    var report = new RunReport();
    var result = ExampleRun.Run(parse.GetValue(nameArgument)!, parse.GetValue(passArgument) ?? []);
    report.Add(result);
    if (result.Error is not null) Console.Error.WriteLine($"{result.Name}: {result.Error}");
    Finish(report, parse.GetValue(reportOption));
    return result.Succeeded ? 0 : 1;
});

var root = new RootCommand("DeepNet GPU runner: the Gpu parity tests and the examples' GPU trainings, without the .NET SDK.")
{
    test, examples, all, example,
};
return root.Parse(args).Invoke();

TestSelection Selection(ParseResult parse)
{
    string[] categories = parse.GetValue(categoryOption) ?? [];
    bool any = parse.CommandResult.Command == test && parse.GetValue(anyCategoryOption);
    return new TestSelection(any ? [] : categories.Length > 0 ? categories : ["Gpu"],
        parse.GetValue(excludeOption) ?? [], parse.GetValue(testOption) ?? []);
}

static void UseShared(string? folder)
{
    if (folder is null) return;
    if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"--shared {folder}: no such folder.");
    Environment.SetEnvironmentVariable(TestPaths.SharedVariable, Path.GetFullPath(folder));
}

static bool RunTests(TestSelection selection, int? workers, RunReport report)
{
    var summary = TestRun.Run(selection, workers, Console.Out);
    foreach (var (reason, count) in summary.SkipReasons.OrderByDescending(r => r.Value))
        Console.WriteLine($"SKIP x{count}: {reason}");
    Console.WriteLine(summary.CountsLine);
    if (summary.Passed + summary.Failed + summary.Skipped == 0) Console.WriteLine($"No test matched ({selection}).");
    report.Add(selection, summary);
    return summary.Succeeded;
}

static bool RunExamples(string backend, int epochs, int seed, string[]? only, string? data, RunReport report)
{
    string mnist = data ?? DefaultMnist();
    string[] names = only is { Length: > 0 } ? only : ExampleRun.Trained;
    bool ok = true;
    foreach (string name in names)
    {
        Console.WriteLine($"== {name}: {epochs} epoch(s) on {backend}");
        var result = ExampleRun.Run(name, ExampleRun.TrainingArguments(backend, epochs, mnist, seed));
        if (result.Error is not null) Console.Error.WriteLine($"{name}: {result.Error}");
        Console.WriteLine($"== {name}: {(result.Succeeded ? "ok" : "FAILED")} in {result.Wall.TotalSeconds:F1} s");
        report.Add(result);
        ok &= result.Succeeded;
    }
    return ok;
}

// publish.sh puts the MNIST files beside the runner, so that one folder is all a GPU machine needs.
static string DefaultMnist()
{
    string beside = Path.Combine(AppContext.BaseDirectory, "mnist");
    if (Directory.Exists(beside)) return beside;
    try
    {
        return TestPaths.SharedFile("datasets", "mnist");
    }
    catch (DirectoryNotFoundException)
    {
        return beside; // the example then says that the files are missing and how to pass --data
    }
}

static void Finish(RunReport report, string? path)
{
    if (path is null) return;
    report.WriteTo(path);
    Console.WriteLine($"Report written to {path}.");
}
