using DeepNet.Keras.Saving;
using Newtonsoft.Json.Linq;
using PureHDF;

namespace DeepNet.Cli;

/// <summary>Which Keras layout a file holds.</summary>
public enum KerasFileFormat
{
    /// <summary><c>model.save("m.h5")</c>: model_config plus model_weights (Keras 2 or 3).</summary>
    LegacyH5Model,

    /// <summary>Keras 2 <c>model.save_weights("w.h5")</c>: layer_names at the root, no architecture.</summary>
    LegacyH5Weights,

    /// <summary>Keras 3 <c>model.save_weights("w.weights.h5")</c>: layers/&lt;key&gt;/vars groups.</summary>
    WeightsH5,

    /// <summary>Keras 3 <c>.keras</c> zip: metadata.json, config.json, model.weights.h5.</summary>
    KerasArchive,

    /// <summary><c>model.to_json()</c>: the architecture only.</summary>
    JsonArchitecture,
}

/// <summary>
/// What a Keras file is, read from its header without building the model: the layout, the
/// Keras version and backend that wrote it, and whether it carries training state.
/// </summary>
public sealed record KerasFileInfo(string Path, KerasFileFormat Format, string? KerasVersion, string? Backend,
    bool HasTrainingConfig = false, bool HasOptimizerWeights = false)
{
    /// <summary>Largest JSON architecture read (the same limit as a .keras config member).</summary>
    internal const long MaxJsonBytes = 64L << 20;

    public bool HoldsWeightsOnly => Format is KerasFileFormat.LegacyH5Weights or KerasFileFormat.WeightsH5;

    public static KerasFileInfo Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            var json = KerasSerializer.ParseJson(ReadJsonText(path), path);
            // Keras 2 to_json records its version; Keras 3 (new envelope with "module") does not.
            string? version = json.Value<string?>("keras_version") ?? (json["module"] is not null ? "3.x" : null);
            return new KerasFileInfo(path, KerasFileFormat.JsonArchitecture, version, json.Value<string?>("backend"));
        }
        return KerasFiles.Detect(path) switch
        {
            KerasFiles.Kind.Zip => ReadArchive(path),
            KerasFiles.Kind.Hdf5 => KerasFiles.WithHdf5(path, (root, _) => ReadHdf5(path, root)),
            _ => throw new KerasFileException($"{path}: not a Keras file (neither HDF5, nor a .keras zip, nor a .json architecture).") { FilePath = path },
        };
    }

    /// <summary>The text of a JSON architecture, refusing files too large to be one.</summary>
    internal static string ReadJsonText(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists) throw new FileNotFoundException($"No such file: {path}", path);
        if (file.Length > MaxJsonBytes) throw new KerasFileException($"{path}: {file.Length} bytes is too large for a JSON architecture (limit {MaxJsonBytes}).") { FilePath = path };
        return File.ReadAllText(path);
    }

    private static KerasFileInfo ReadArchive(string path)
    {
        var contents = KerasFiles.Guard(path, () => KerasArchive.Read(path, needConfig: false));
        return new KerasFileInfo(path, KerasFileFormat.KerasArchive, contents.Metadata?.Value<string?>("keras_version") ?? "3.x", null,
            HasTrainingConfig: contents.Config["compile_config"] is JObject);
    }

    private static KerasFileInfo ReadHdf5(string path, IH5Group root)
    {
        string where = $"{path}:/";
        long length = new FileInfo(path).Length;
        string? version = H5Strings.ReadString(root, "keras_version", where, length);
        string? backend = H5Strings.ReadString(root, "backend", where, length);
        if (root.AttributeExists("model_config"))
        {
            return new KerasFileInfo(path, KerasFileFormat.LegacyH5Model, version, backend,
                HasTrainingConfig: root.AttributeExists("training_config"),
                HasOptimizerWeights: root.LinkExists("optimizer_weights"));
        }
        if (H5Strings.HasList(root, "layer_names") || root.LinkExists("model_weights"))
            return new KerasFileInfo(path, KerasFileFormat.LegacyH5Weights, version, backend);
        // Keras 2.13 wrote _layer_checkpoint_dependencies where later versions write layers.
        if (root.LinkExists("layers") || root.LinkExists("vars") || root.LinkExists("_layer_checkpoint_dependencies"))
            return new KerasFileInfo(path, KerasFileFormat.WeightsH5, version ?? "3.x", backend);
        throw new KerasFileException($"{path}: an HDF5 file without a Keras model config or weights layout (no model_config, layer_names or layers/).") { FilePath = path };
    }

    /// <summary>One line such as "Keras 2.2.4 legacy HDF5 full model, with training config".</summary>
    public string Describe()
    {
        string keras = KerasVersion is null ? "Keras (version not recorded)" : $"Keras {KerasVersion}";
        string text = Format switch
        {
            KerasFileFormat.LegacyH5Model => $"{keras} legacy HDF5 full model",
            KerasFileFormat.LegacyH5Weights => $"{keras} legacy HDF5, weights only (model.save_weights)",
            KerasFileFormat.WeightsH5 => $"{keras} .weights.h5, weights only",
            KerasFileFormat.KerasArchive => $"{keras} .keras zip",
            _ => $"{keras} JSON architecture (model.to_json)",
        };
        var extras = new List<string>();
        if (HasTrainingConfig) extras.Add("training config");
        if (HasOptimizerWeights) extras.Add("optimizer weights");
        return extras.Count == 0 ? text : $"{text}, with {string.Join(" and ", extras)}";
    }
}
