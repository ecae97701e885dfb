using DeepNet.Numpy;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using PureHDF;

namespace DeepNet.Keras.Saving;

/// <summary>
/// Dispatch over the Keras formats by content and suffix, and the error policy: anything a
/// reader throws on malformed input becomes a <see cref="KerasFileException"/> naming the file,
/// and weights are assigned only after every one of them was read and checked.
/// </summary>
internal static class KerasFiles
{
    private static readonly byte[] s_hdf5Magic = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    public enum Kind { Hdf5, Zip, Unknown }

    public static Kind Detect(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No such Keras file: {path}", path);
        Span<byte> head = stackalloc byte[8];
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        int n = s.ReadAtLeast(head, 8, throwOnEndOfStream: false);
        if (n >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4) return Kind.Zip;
        if (n == 8 && head.SequenceEqual(s_hdf5Magic)) return Kind.Hdf5;
        // HDF5 may sit behind a user block at 512, 1024, 2048… bytes.
        for (long offset = 512; offset < s.Length; offset *= 2)
        {
            s.Position = offset;
            if (s.ReadAtLeast(head, 8, throwOnEndOfStream: false) == 8 && head.SequenceEqual(s_hdf5Magic)) return Kind.Hdf5;
        }
        return Kind.Unknown;
    }

    /// <summary>Runs <paramref name="read"/> on an open HDF5 file, turning reader failures into <see cref="KerasFileException"/>.</summary>
    public static T WithHdf5<T>(string path, Func<IH5Group, long, T> read) =>
        Guard(path, () =>
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var file = H5File.Open(stream, leaveOpen: false);
            return read(file, stream.Length);
        });

    /// <summary>The same over HDF5 bytes held in memory (the weights inside a .keras archive).</summary>
    public static T WithHdf5<T>(byte[] bytes, string name, Func<IH5Group, long, T> read) =>
        Guard(name, () =>
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var file = H5File.Open(stream, leaveOpen: false);
            return read(file, bytes.Length);
        });

    public static T Guard<T>(string path, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (KerasFileException)
        {
            throw;
        }
        catch (FileNotFoundException)
        {
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException and not ThreadAbortException)
        {
            throw new KerasFileException($"{path}: the file is corrupt or not a Keras file ({e.GetType().Name}: {e.Message})", e) { FilePath = path };
        }
    }

    // ---- whole models --------------------------------------------------------------------------

    public static Model LoadModel(string path, bool compile = true)
    {
        switch (Detect(path))
        {
            case Kind.Zip:
                return Guard(path, () =>
                {
                    var contents = KerasArchive.Read(path);
                    var model = KerasSerializer.ModelFromConfig(contents.Config, $"{path}:{KerasArchive.ConfigEntry}", contents.Metadata?.Value<string?>("keras_version"));
                    // As Keras: compile from compile_config and build the optimizer, then load every state.
                    if (compile && contents.Config["compile_config"] is JObject compileConfig) TrainingConfig.Restore(model, compileConfig, path);
                    var optimizer = BuildOptimizer(model);
                    var pending = WithHdf5(contents.Weights, $"{path}:{KerasArchive.WeightsEntry}",
                        (root, length) => WeightsH5Format.Read(model, root, $"{path}:{KerasArchive.WeightsEntry}", length, skipMismatch: false, optimizer));
                    pending.AssignAll();
                    return model;
                });
            case Kind.Hdf5:
                return WithHdf5(path, (root, length) =>
                {
                    string? configText = H5Strings.ReadString(root, "model_config", $"{path}:/", length);
                    if (configText is null)
                    {
                        throw new KerasFileException(H5Strings.HasList(root, "layer_names") || root.LinkExists("layers")
                            ? $"{path}: this file holds weights only (no model_config); make the model (e.g. Models.ModelFromJson) and call LoadWeights."
                            : $"{path}: no model config found in the file.") { FilePath = path };
                    }
                    string? version = H5Strings.ReadString(root, "keras_version", $"{path}:/", length);
                    var config = KerasSerializer.ParseJson(configText, $"{path}:/@model_config");
                    var model = KerasSerializer.ModelFromConfig(config, path, version);
                    var pending = LegacyH5Format.ReadWeights(model, root, path, length, byName: false, skipMismatch: false);
                    if (compile && H5Strings.ReadString(root, "training_config", $"{path}:/", length) is { } training)
                    {
                        TrainingConfig.Restore(model, KerasSerializer.ParseJson(training, $"{path}:/@training_config"), path);
                        // As Keras: the optimizer is built (and its state set) only when the file holds a state.
                        if (root.LinkExists(LegacyH5Format.OptimizerWeights) && BuildOptimizer(model) is { } optimizer)
                            LegacyH5Format.ReadOptimizerWeights(optimizer, root, path, length, pending);
                    }
                    pending.AssignAll();
                    return model;
                });
            default:
                throw new KerasFileException($"{path}: neither an HDF5 file nor a .keras (zip) archive.") { FilePath = path };
        }
    }

    /// <summary>
    /// Makes the variables of a restored optimizer over the model's trainable variables, as
    /// Keras does before loading an optimizer state (null when not compiled or not built).
    /// </summary>
    private static Optimizers.Optimizer? BuildOptimizer(Model model)
    {
        if (model.Optimizer is not { } optimizer || !model.Built) return null;
        optimizer.Build(model.TrainableWeights);
        return optimizer;
    }

    public static void LoadWeights(Model model, string path, bool byName, bool skipMismatch)
    {
        PendingWeights pending;
        switch (Detect(path))
        {
            case Kind.Zip:
                if (byName) throw new ArgumentException($"LoadWeights(\"{path}\"): byName is only supported for legacy .h5 files (as in Keras).", nameof(byName));
                pending = Guard(path, () =>
                {
                    var contents = KerasArchive.Read(path, needConfig: false);
                    return WithHdf5(contents.Weights, $"{path}:{KerasArchive.WeightsEntry}",
                        (root, length) => WeightsH5Format.Read(model, root, $"{path}:{KerasArchive.WeightsEntry}", length, skipMismatch, model.Optimizer));
                });
                break;
            case Kind.Hdf5:
                bool legacy = WithHdf5(path, (root, _) => H5Strings.HasList(root, "layer_names") || root.LinkExists("model_weights"));
                if (!legacy && byName)
                    throw new ArgumentException($"LoadWeights(\"{path}\"): byName is only supported for legacy .h5 files (as in Keras), this is a Keras 3 .weights.h5 file.", nameof(byName));
                pending = WithHdf5(path, (root, length) => legacy
                    ? LegacyH5Format.ReadWeights(model, root, path, length, byName, skipMismatch)
                    : WeightsH5Format.Read(model, root, path, length, skipMismatch, model.Optimizer));
                break;
            default:
                throw new KerasFileException($"{path}: neither an HDF5 file nor a .keras (zip) archive.") { FilePath = path };
        }
        pending.AssignAll();
    }

    // ---- writing -------------------------------------------------------------------------------

    private static bool EndsWith(string path, string suffix) => path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);

    public static void Save(Model model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (EndsWith(path, ".keras"))
        {
            var config = KerasSerializer.SerializeModel(model);
            if (TrainingConfig.Write(model, legacy: false) is { } compileConfig) config["compile_config"] = compileConfig;
            var weights = ToBytes(WeightsH5Format.Write(model));
            AtomicFile.Write(path, s => KerasArchive.Write(s, config, weights));
        }
        else if (EndsWith(path, ".h5") || EndsWith(path, ".hdf5"))
        {
            var file = LegacyH5Format.FullModel(model);
            AtomicFile.Write(path, s => WriteH5(file, s));
        }
        else
            throw new ArgumentException($"Model.Save(\"{path}\"): the filepath must end in .keras (native Keras format) or .h5 / .hdf5 (legacy HDF5).", nameof(path));
    }

    public static void SaveWeights(Model model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (EndsWith(path, ".weights.h5"))
        {
            var file = WeightsH5Format.Write(model);
            AtomicFile.Write(path, s => WriteH5(file, s));
        }
        else if (EndsWith(path, ".h5") || EndsWith(path, ".hdf5"))
        {
            var file = LegacyH5Format.WeightsOnly(model);
            AtomicFile.Write(path, s => WriteH5(file, s));
        }
        else
            throw new ArgumentException($"Model.SaveWeights(\"{path}\"): the filename must end in .weights.h5 (Keras 3) or .h5 / .hdf5 (Keras 2 layout).", nameof(path));
    }

    private static byte[] ToBytes(H5File file)
    {
        using var memory = new MemoryStream();
        file.Write(memory);
        return memory.ToArray();
    }

    private static void WriteH5(H5File file, Stream target)
    {
        // PureHDF seeks while writing; build the file in memory, then copy it out.
        var bytes = ToBytes(file);
        target.Write(bytes);
    }

    public static Model ModelFromJson(string json, string source = "JSON")
    {
        var envelope = KerasSerializer.ParseJson(json, source);
        return KerasSerializer.ModelFromConfig(envelope, source);
    }

    public static string ToJson(Model model)
    {
        var envelope = KerasSerializer.SerializeModel(model);
        return envelope.ToString(Formatting.None);
    }
}
