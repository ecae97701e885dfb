using DeepNet.Keras;
using DeepNet.Keras.Saving;

namespace DeepNet.Cli;

/// <summary>
/// Builds the model a command works on from MODEL (a .h5 or .keras file, or a .json
/// architecture) and optional separate weights.
/// </summary>
internal static class ModelLoader
{
    /// <param name="info">What MODEL is (<see cref="KerasFileInfo.Read"/>).</param>
    /// <param name="weights">Weights to load after the architecture (required for a .json when <paramref name="needWeights"/>).</param>
    /// <param name="needWeights">False where fresh weights will do (a summary of a .json).</param>
    /// <param name="compile">Restore the stored compile arguments (convert keeps them; predict does not need them).</param>
    public static Model Load(KerasFileInfo info, string? weights, bool needWeights, bool compile)
    {
        Model model;
        switch (info.Format)
        {
            case KerasFileFormat.JsonArchitecture:
                if (weights is null && needWeights)
                    throw new CommandException($"{info.Path} is a JSON architecture without weights; give them with --weights W.h5 (or W.weights.h5).");
                model = KerasFiles.ModelFromJson(KerasFileInfo.ReadJsonText(info.Path), info.Path);
                break;
            case KerasFileFormat.LegacyH5Weights or KerasFileFormat.WeightsH5:
                throw new CommandException(
                    $"{info.Path} holds weights only ({info.Format switch { KerasFileFormat.WeightsH5 => "Keras 3 .weights.h5", _ => "legacy HDF5 from save_weights" }}): " +
                    $"give the model's architecture as MODEL (the .json of model.to_json()) and this file with --weights; `deepnet inspect {info.Path}` lists what it holds.");
            default:
                model = Models.LoadModel(info.Path, compile);
                break;
        }
        if (weights is not null) model.LoadWeights(weights);
        return model;
    }
}
