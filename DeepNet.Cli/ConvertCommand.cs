using System.CommandLine;
using System.Text;

namespace DeepNet.Cli;

/// <summary>
/// <c>deepnet convert IN OUT</c>: re-saves a model in the format OUT's extension names —
/// <c>.keras</c> (Keras 3 zip), <c>.h5</c>/<c>.hdf5</c> (legacy full model), <c>.weights.h5</c>
/// (weights only), or <c>.json</c> (architecture, with the weights written beside it).
/// </summary>
public static class ConvertCommand
{
    private enum Target { KerasArchive, LegacyH5, WeightsH5, Json }

    public static Command Create()
    {
        var input = new Argument<string>("IN") { Description = "A Keras model: .h5 (full model), .keras, or .json architecture (with --weights)." };
        var output = new Argument<string>("OUT") { Description = "The file to write; its extension picks the format: .keras, .h5 / .hdf5, .weights.h5 or .json." };
        var weights = new Option<string?>("--weights") { Description = "Weights for IN (.h5 or .weights.h5); required when IN is a .json." };
        var weightsOut = new Option<string?>("--weights-out")
        {
            Description = "With a .json OUT: where its weights go (.weights.h5 for the Keras 3 layout, .h5 for Keras 2's); default <OUT stem>.weights.h5 beside OUT.",
        };
        var command = new Command("convert", "Convert a model between .h5, .keras and .json + weights (the format follows OUT's extension).")
        {
            input, output, weights, weightsOut,
        };
        command.SetAction(parse => Execute(parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(weights), parse.GetValue(weightsOut),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    public static int Execute(string inputPath, string outputPath, string? weightsPath, string? weightsOutPath, TextWriter output, TextWriter error) =>
        CommandRunner.Run("convert", error, () =>
        {
            // Check what is asked before loading anything.
            var target = TargetOf(outputPath);
            if (weightsOutPath is not null && target != Target.Json)
                throw new CommandException($"--weights-out goes with a .json OUT only; {outputPath} holds its weights itself.");
            string? jsonWeights = null;
            if (target == Target.Json)
            {
                jsonWeights = weightsOutPath ?? DefaultWeightsPath(outputPath);
                if (!IsWeightsFile(jsonWeights))
                    throw new CommandException($"--weights-out {jsonWeights}: the weights file must end in .weights.h5 (Keras 3 layout) or .h5 / .hdf5 (Keras 2 layout).");
            }
            if (SamePath(inputPath, outputPath) || (jsonWeights is not null && SamePath(inputPath, jsonWeights)))
                throw new CommandException($"{inputPath}: IN and OUT are the same file; write the conversion elsewhere.");

            var info = KerasFileInfo.Read(inputPath);
            var model = ModelLoader.Load(info, weightsPath, needWeights: true, compile: true);
            switch (target)
            {
                case Target.KerasArchive:
                case Target.LegacyH5:
                    model.Save(outputPath);
                    break;
                case Target.WeightsH5:
                    model.SaveWeights(outputPath);
                    break;
                case Target.Json:
                    WriteText(outputPath, model.ToJson());
                    model.SaveWeights(jsonWeights!);
                    break;
            }
            output.WriteLine($"{inputPath} ({info.Describe()})");
            output.WriteLine($"  -> {outputPath} ({Describe(target)})");
            if (jsonWeights is not null) output.WriteLine($"  -> {jsonWeights} (its weights)");
            return 0;
        });

    private static Target TargetOf(string path)
    {
        if (EndsWith(path, ".keras")) return Target.KerasArchive;
        if (EndsWith(path, ".weights.h5")) return Target.WeightsH5;
        if (EndsWith(path, ".h5") || EndsWith(path, ".hdf5")) return Target.LegacyH5;
        if (EndsWith(path, ".json")) return Target.Json;
        throw new CommandException($"{path}: OUT must end in .keras, .h5 / .hdf5, .weights.h5 or .json (the extension picks the format).");
    }

    private static string Describe(Target target) => target switch
    {
        Target.KerasArchive => "Keras 3 .keras zip",
        Target.LegacyH5 => "legacy HDF5 full model",
        Target.WeightsH5 => "Keras 3 .weights.h5, weights only",
        _ => "JSON architecture",
    };

    /// <summary><c>dir/model.json</c> → <c>dir/model.weights.h5</c>.</summary>
    internal static string DefaultWeightsPath(string jsonPath) =>
        Path.Combine(Path.GetDirectoryName(jsonPath) ?? "", Path.GetFileNameWithoutExtension(jsonPath) + ".weights.h5");

    private static bool IsWeightsFile(string path) => EndsWith(path, ".h5") || EndsWith(path, ".hdf5");

    private static bool EndsWith(string path, string suffix) => path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>Writes through a temporary file renamed into place, like the model writers.</summary>
    private static void WriteText(string path, string text)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
