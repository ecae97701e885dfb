using DeepNet.Keras.Layers;
using PureHDF;

namespace DeepNet.Keras.Saving;

/// <summary>
/// The legacy HDF5 layout (keras-compat §1, §2.1): full-model files (<c>model_config</c>,
/// <c>model_weights</c>) and Keras 2 <c>save_weights</c> files (the same weight tree at the
/// root). Weights are matched as Keras does (§1.7): by position over the layers that have
/// weights, or by layer name; dataset paths always come from <c>weight_names</c>.
/// </summary>
internal static class LegacyH5Format
{
    /// <summary>The weights of a layer in the legacy order: trainable, then non-trainable.</summary>
    public static IReadOnlyList<Variable> LegacyWeights(Layer layer)
    {
        var list = new List<Variable>(layer.TrainableWeights);
        foreach (var v in layer.NonTrainableWeights)
        {
            if (!list.Contains(v)) list.Add(v);
        }
        return list;
    }

    // ---- reading -------------------------------------------------------------------------------

    /// <summary>
    /// Reads and checks every weight for <paramref name="model"/> from <paramref name="root"/>
    /// (a file root or its <c>model_weights</c> group), returning them unassigned.
    /// </summary>
    public static PendingWeights ReadWeights(Model model, IH5Group root, string file, long fileLength, bool byName, bool skipMismatch)
    {
        var group = root;
        string groupPath = "/";
        if (!H5Strings.HasList(root, "layer_names"))
        {
            if (!root.LinkExists("model_weights"))
                throw new KerasFileException($"{file}: no layer_names attribute and no model_weights group; this is not a Keras HDF5 weights file.") { FilePath = file };
            group = root.Group("model_weights");
            groupPath = "/model_weights";
        }
        var layerNames = H5Strings.ReadList(group, "layer_names", $"{file}:{groupPath}", fileLength);
        var fileLayers = new List<(string Name, string Path, string[] WeightNames, IH5Group Group)>();
        foreach (var name in layerNames)
        {
            string path = $"{groupPath.TrimEnd('/')}/{name}";
            if (!group.LinkExists(name)) throw new KerasFileException($"{file}: layer_names lists '{name}' but the group {path} is missing.") { FilePath = file };
            var g = group.Group(name);
            fileLayers.Add((name, path, H5Strings.ReadList(g, "weight_names", $"{file}:{path}", fileLength), g));
        }

        // Keras reads a file without keras_version as Keras 1 and converts its layouts.
        string kerasVersion = H5Strings.ReadString(group, "keras_version", $"{file}:{groupPath}", fileLength) ?? "1";

        var pending = new PendingWeights();
        if (byName)
        {
            foreach (var fl in fileLayers)
            {
                if (fl.WeightNames.Length == 0) continue;
                foreach (var layer in model.Layers.Where(l => l.Name == fl.Name))
                    ReadLayer(layer, fl, file, fileLength, kerasVersion, skipMismatch, pending);
            }
            return pending;
        }

        var modelLayers = model.Layers.Where(l => LegacyWeights(l).Count > 0).ToList();
        var withWeights = fileLayers.Where(f => f.WeightNames.Length > 0).ToList();
        if (modelLayers.Count != withWeights.Count)
            throw new KerasFileException(
                $"{file}: layer count mismatch when loading weights from file. The model has {modelLayers.Count} layers with weights " +
                $"[{string.Join(", ", modelLayers.Select(l => l.Name))}], the file has {withWeights.Count} " +
                $"[{string.Join(", ", withWeights.Select(f => f.Name))}].") { FilePath = file };
        for (int i = 0; i < modelLayers.Count; i++) ReadLayer(modelLayers[i], withWeights[i], file, fileLength, kerasVersion, skipMismatch, pending);
        return pending;
    }

    /// <summary>
    /// Reads one file layer's arrays, converts legacy layouts (<see cref="LegacyConversions"/>),
    /// then checks count and shapes against <paramref name="layer"/>'s variables.
    /// </summary>
    private static void ReadLayer(Layer layer, (string Name, string Path, string[] WeightNames, IH5Group Group) fl,
        string file, long fileLength, string kerasVersion, bool skipMismatch, PendingWeights pending)
    {
        var variables = LegacyWeights(layer);
        var arrays = new List<WeightArray>(fl.WeightNames.Length);
        foreach (var weightName in fl.WeightNames)
        {
            string path = $"{fl.Path}/{weightName}";
            if (!fl.Group.LinkExists(weightName))
                throw new KerasFileException($"{file}: weight {path} listed in weight_names is missing.") { FilePath = file };
            var dataset = fl.Group.Get(weightName) as IH5Dataset
                ?? throw new KerasFileException($"{file}: {path} is not a dataset.") { FilePath = file };
            var dims = H5Weights.Dims(dataset, $"{file}:{path}");
            H5Weights.CheckedSize(dims, dataset.Type.Size, fileLength, $"{file}:{path}");
            if (dims.Any(d => d > int.MaxValue))
                throw new KerasFileException($"{file}: {path} has a dimension too large for a weight: {H5Weights.Format(dims)}.") { FilePath = file };
            var shape = dims.Select(d => (int)d).ToArray();
            arrays.Add(new WeightArray(H5Weights.ReadFloats(dataset, new Shape(shape), $"{file}:{path}", fileLength), shape));
        }
        try
        {
            arrays = LegacyConversions.Preprocess(layer, arrays, kerasVersion);
        }
        catch (NotSupportedException e)
        {
            throw new KerasFileException($"{file}: cannot convert the weights of {fl.Path} for layer '{layer.Name}' ({layer.ClassName}): {e.Message}", e) { FilePath = file };
        }
        if (variables.Count != arrays.Count)
        {
            string message = $"{file}: layer '{layer.Name}' ({layer.ClassName}) expects {variables.Count} weights, but the saved weights ({fl.Path}) have {arrays.Count} elements " +
                             $"[{string.Join(", ", fl.WeightNames)}].";
            if (skipMismatch)
            {
                Warn(message + " Skipped.");
                return;
            }
            throw new KerasFileException(message) { FilePath = file };
        }
        for (int i = 0; i < variables.Count; i++)
        {
            if (arrays[i].Matches(variables[i].Shape)) continue;
            string name = i < fl.WeightNames.Length && arrays.Count == fl.WeightNames.Length ? $"{fl.Path}/{fl.WeightNames[i]}" : $"{fl.Path} (weight {i})";
            string message = $"{file}: shape mismatch in layer '{layer.Name}' for weight {name}: the model expects {H5Weights.Format(variables[i].Shape)}, the file holds {arrays[i].ShapeText}.";
            if (skipMismatch)
            {
                Warn(message + " Skipped.");
                return;
            }
            throw new KerasFileException(message) { FilePath = file };
        }
        for (int i = 0; i < variables.Count; i++) pending.Add(variables[i], arrays[i].Values);
    }

    internal static void Warn(string message) => Console.Error.WriteLine("WARNING: " + message);

    // ---- writing -------------------------------------------------------------------------------

    /// <summary>Fills <paramref name="group"/> with the weight tree of §1.4 (also the root of a weights-only file).</summary>
    public static void WriteWeights(H5Group group, Model model)
    {
        var layers = model.Layers;
        H5Strings.WriteList(group, "layer_names", layers.Select(l => l.Name).ToArray());
        H5Strings.WriteString(group, "backend", KerasSerializer.Backend);
        H5Strings.WriteString(group, "keras_version", KerasSerializer.KerasVersion);
        foreach (var layer in layers)
        {
            var g = new H5Group();
            var names = new List<string>();
            foreach (var v in LegacyWeights(layer))
            {
                string name = v.Path;
                for (int k = 1; names.Contains(name); k++) name = $"{v.Path}_{k}";
                names.Add(name);
                H5Weights.Put(g, name, H5Weights.Dataset(v));
            }
            H5Strings.WriteList(g, "weight_names", names);
            group[layer.Name] = g;
        }
        var top = new H5Group();
        H5Strings.WriteList(top, "weight_names", Array.Empty<string>());
        if (!group.ContainsKey("top_level_model_weights")) group["top_level_model_weights"] = top;
    }

    /// <summary>The root group of a full-model file holding the optimizer's state.</summary>
    public const string OptimizerWeights = "optimizer_weights";

    /// <summary>
    /// Reads the <c>optimizer_weights</c> group into <paramref name="pending"/> for the built
    /// <paramref name="optimizer"/>; a state that does not fit only warns, as in Keras.
    /// </summary>
    public static void ReadOptimizerWeights(Optimizers.Optimizer optimizer, IH5Group root, string file, long fileLength, PendingWeights pending)
    {
        if (!root.LinkExists(OptimizerWeights) || root.Get(OptimizerWeights) is not IH5Group group) return;
        string where = "/" + OptimizerWeights;
        var stored = OptimizerState.ReadLegacyGroup(group, file, where, fileLength);
        if (!OptimizerState.TryRead(optimizer, stored, file, where, fileLength, pending, out string problem))
            Warn($"{file}: skipping the optimizer state; the model starts with a fresh optimizer. {problem}");
    }

    /// <summary>A full-model file: root attributes, <c>model_weights</c> and, when compiled, <c>optimizer_weights</c>.</summary>
    public static H5File FullModel(Model model)
    {
        var file = new H5File();
        H5Strings.WriteString(file, "keras_version", KerasSerializer.KerasVersion);
        H5Strings.WriteString(file, "backend", KerasSerializer.Backend);
        H5Strings.WriteString(file, "model_config", KerasSerializer.SerializeModel(model, legacy: true).ToString(Newtonsoft.Json.Formatting.None));
        if (TrainingConfig.Write(model, legacy: true) is { } training)
            H5Strings.WriteString(file, "training_config", training.ToString(Newtonsoft.Json.Formatting.None));
        var weights = new H5Group();
        WriteWeights(weights, model);
        file["model_weights"] = weights;
        if (model.Optimizer is { } optimizer) file[OptimizerWeights] = OptimizerState.LegacyGroup(optimizer);
        return file;
    }

    /// <summary>A Keras 2 style weights-only file.</summary>
    public static H5File WeightsOnly(Model model)
    {
        var file = new H5File();
        WriteWeights(file, model);
        return file;
    }
}
