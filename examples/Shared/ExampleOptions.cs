using System.CommandLine;
using DeepNet.Keras.Utils;

namespace DeepNet.Examples;

/// <summary>
/// The command-line options every example takes (--epochs, --seed, --batch-size, --backend) and
/// the set-up they ask for. Linked into each example project as source, so that each Program.cs
/// keeps only what its Keras script does.
/// </summary>
internal sealed class ExampleOptions
{
    /// <summary>Epochs to train.</summary>
    public Option<int> Epochs { get; }

    /// <summary>Global random seed (keras.utils.set_random_seed).</summary>
    public Option<int?> Seed { get; }

    /// <summary>Batch size.</summary>
    public Option<int> BatchSize { get; }

    /// <summary>cpu, cuda or auto.</summary>
    public Option<string> Backend { get; } = new("--backend") { Description = "cpu, cuda or auto.", DefaultValueFactory = _ => "auto" };

    /// <param name="epochs">Default number of epochs.</param>
    /// <param name="batchSize">Default batch size.</param>
    /// <param name="kerasDefaults">Whether the defaults are the Keras script's (the help says so).</param>
    /// <param name="seedAlso">What else the seed drives, appended to its help (e.g. generated data).</param>
    public ExampleOptions(int epochs, int batchSize, bool kerasDefaults = false, string? seedAlso = null)
    {
        string Keras(int value) => kerasDefaults ? $" (Keras example: {value})" : "";
        Epochs = new("--epochs") { Description = $"Epochs to train{Keras(epochs)}.", DefaultValueFactory = _ => epochs };
        Seed = new("--seed") { Description = $"Global random seed (keras.utils.set_random_seed){(seedAlso is null ? "" : "; " + seedAlso)}." };
        BatchSize = new("--batch-size") { Description = $"Batch size{Keras(batchSize)}.", DefaultValueFactory = _ => batchSize };
    }

    /// <summary>The example's root command: its own options first, then the shared ones.</summary>
    public RootCommand Command(string description, params Option[] own)
    {
        var root = new RootCommand(description);
        foreach (var option in own.Concat([Epochs, Seed, BatchSize, Backend])) root.Options.Add(option);
        return root;
    }

    /// <summary>Selects the backend and, when --seed is given, seeds Keras's global generator.</summary>
    public void Apply(ParseResult parse)
    {
        DeepNet.Backends.Backend.Use(parse.GetValue(Backend)!);
        if (parse.GetValue(Seed) is int seed) KerasRandom.SetSeed(seed);
    }

    /// <summary>Selects the backend and seeds Keras's global generator with --seed or <paramref name="defaultSeed"/>; returns that seed.</summary>
    public int Apply(ParseResult parse, int defaultSeed)
    {
        DeepNet.Backends.Backend.Use(parse.GetValue(Backend)!);
        int seed = parse.GetValue(Seed) ?? defaultSeed;
        KerasRandom.SetSeed(seed);
        return seed;
    }
}
