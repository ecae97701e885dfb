using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Utils;
using PureHDF;

namespace DeepNet.Keras.Saving;

/// <summary>
/// The Keras 3 weights layout (keras-compat §2.2; <c>.weights.h5</c> and <c>model.weights.h5</c>
/// inside <c>.keras</c>): one group per object, <c>layers/&lt;snake_case class key&gt;</c> for the layers of
/// a model, the Python attribute for a layer's sublayers as each layer declares it
/// (<see cref="Layer.SublayerAttributeName"/>: <c>lstm/cell</c>, <c>bidirectional/forward_layer</c>,
/// <c>multi_head_attention/_query_dense</c>), the object's own variables
/// in <c>vars/0</c>, <c>vars/1</c>… (trainable first). As Keras 3 (saving_lib gives every named
/// object's store its <c>name</c> as metadata, which creates the group at once), every layer and
/// the model itself get a <c>vars</c> group with a <c>name</c> attribute, empty for a layer without
/// variables; files without those empty groups or attributes (older writers) read the same. Matched
/// strictly by path. A compiled model's optimizer is stored beside its layers as
/// <c>optimizer/vars/0..n</c> (<see cref="OptimizerState"/>).
/// </summary>
internal static class WeightsH5Format
{
    /// <summary>The model attribute Keras stores its optimizer under.</summary>
    private const string OptimizerKey = "optimizer";

    /// <summary>
    /// The children of <paramref name="obj"/> with their path keys, in Keras's visit order, and
    /// the key DeepNet wrote before it used Keras's attribute names (null when the same).
    /// </summary>
    private static IEnumerable<(string Path, Layer Child, string? OldPath)> Children(Layer obj)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        string Key(Layer l)
        {
            string baseKey = UniqueNames.ToSnakeCase(l.ClassName == "Functional" ? "Functional" : l.ClassName);
            string key = baseKey;
            for (int i = 1; !used.Add(key); i++) key = $"{baseKey}_{i}";
            return key;
        }
        if (obj is Model m)
        {
            // The layers of a Sequential/Functional model, keyed by class.
            foreach (var child in m.Layers) yield return ("layers/" + Key(child), child, null);
            yield break;
        }
        foreach (var child in obj.Sublayers)
        {
            string classKey = Key(child);
            string? attribute = obj.SublayerAttributeName(child);
            yield return attribute is null ? (classKey, child, null) : (attribute, child, classKey);
        }
    }

    /// <summary>The object's own variables (not its sublayers'), trainable first.</summary>
    private static List<Variable> OwnVariables(Layer obj)
    {
        var inSublayers = new HashSet<Variable>(obj.Sublayers.SelectMany(s => s.Weights), ReferenceEqualityComparer.Instance);
        var own = obj.Weights.Where(v => !inSublayers.Contains(v)).ToList();
        return own.Where(v => v.Trainable).Concat(own.Where(v => !v.Trainable)).ToList();
    }

    // ---- writing -------------------------------------------------------------------------------

    public static H5File Write(Model model)
    {
        var file = new H5File();
        WriteObject(file, model);
        if (model.Optimizer is { } optimizer) file[OptimizerKey] = new H5Group { ["vars"] = OptimizerState.VarsGroup(optimizer) };
        return file;
    }

    private static void WriteObject(H5Group group, Layer obj)
    {
        var own = OwnVariables(obj);
        var vars = new H5Group();
        H5Strings.WriteString(vars, "name", obj.Name);
        for (int i = 0; i < own.Count; i++) vars[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = H5Weights.Dataset(own[i]);
        group["vars"] = vars;
        foreach (var (path, child, _) in Children(obj))
        {
            var g = new H5Group();
            WriteObject(g, child);
            H5Weights.Put(group, path, g);
        }
    }

    // ---- reading -------------------------------------------------------------------------------

    /// <summary>
    /// Reads and checks every weight of <paramref name="model"/>, and the state of
    /// <paramref name="optimizer"/> when given and stored (a state that does not fit it only warns,
    /// as in Keras; the optimizer must be built first to take a trained state).
    /// </summary>
    public static PendingWeights Read(Model model, IH5Group root, string file, long fileLength, bool skipMismatch, Optimizer? optimizer = null)
    {
        var pending = new PendingWeights();
        var errors = new List<string>();
        ReadObject(model, root, "", file, fileLength, skipMismatch, pending, errors);
        if (errors.Count > 0) throw new KerasFileException($"{file}: {string.Join(" ", errors)}") { FilePath = file };
        if (optimizer is not null && FindGroup(root, OptimizerKey + "/vars") is { } vars)
        {
            string where = $"/{OptimizerKey}/vars";
            var stored = OptimizerState.ReadVarsGroup(vars, file, where);
            if (!OptimizerState.TryRead(optimizer, stored, file, where, fileLength, pending, out string problem))
                LegacyH5Format.Warn($"{file}: skipping the optimizer state. {problem}{(optimizer.Built ? "" : " The optimizer is not built yet (it is built by its first training step).")}");
        }
        return pending;
    }

    private static void ReadObject(Layer obj, IH5Group group, string path, string file, long fileLength, bool skipMismatch,
        PendingWeights pending, List<string> errors)
    {
        var own = OwnVariables(obj);
        string varsPath = $"{path}/vars";
        IH5Group? vars = group.LinkExists("vars") ? group.Get("vars") as IH5Group : null;
        int stored = 0;
        if (vars is not null)
        {
            while (vars.LinkExists(stored.ToString(System.Globalization.CultureInfo.InvariantCulture))) stored++;
        }
        if (stored != own.Count)
        {
            string message = $"Layer '{obj.Name}' ({obj.ClassName}) expected {own.Count} variables, but received {stored} variables during loading ({varsPath}).";
            if (skipMismatch) LegacyH5Format.Warn($"{file}: {message} Skipped.");
            else errors.Add(message);
        }
        else
        {
            var datasets = new List<IH5Dataset>();
            bool ok = true;
            for (int i = 0; i < own.Count; i++)
            {
                string p = $"{varsPath}/{i}";
                var dataset = vars!.Get(i.ToString(System.Globalization.CultureInfo.InvariantCulture)) as IH5Dataset
                    ?? throw new KerasFileException($"{file}: {p} is not a dataset.") { FilePath = file };
                var dims = H5Weights.Dims(dataset, $"{file}:{p}");
                if (!H5Weights.SameShape(dims, own[i].Shape))
                {
                    string message = $"Shape mismatch in layer '{obj.Name}' for {p} ('{own[i].Path}'): the model expects {H5Weights.Format(own[i].Shape)}, the file holds {H5Weights.Format(dims)}.";
                    if (skipMismatch) LegacyH5Format.Warn($"{file}: {message} Skipped.");
                    else errors.Add(message);
                    ok = false;
                    break;
                }
                datasets.Add(dataset);
            }
            if (ok)
            {
                for (int i = 0; i < own.Count; i++)
                    pending.Add(own[i], H5Weights.ReadFloats(datasets[i], own[i].Shape, $"{file}:{varsPath}/{i}", fileLength));
            }
        }
        foreach (var (childPath, child, oldPath) in Children(obj))
        {
            string fullPath = $"{path}/{childPath}";
            IH5Group? g = FindGroup(group, childPath);
            // Files written by earlier DeepNet versions keyed sublayers by class (lstm/lstm_cell).
            if (g is null && oldPath is not null) g = FindGroup(group, oldPath);
            // Keras 2.13 wrote _layer_checkpoint_dependencies/<key> for what is now layers/<key>.
            if (g is null && childPath.StartsWith("layers/", StringComparison.Ordinal))
                g = FindGroup(group, "_layer_checkpoint_dependencies/" + childPath["layers/".Length..]);
            if (g is null)
            {
                if (child.Weights.Count == 0) continue;
                string message = $"The file has no group {fullPath} for layer '{child.Name}' ({child.ClassName}), which has {child.Weights.Count} weights.";
                if (skipMismatch) LegacyH5Format.Warn($"{file}: {message} Skipped.");
                else errors.Add(message);
                continue;
            }
            ReadObject(child, g, fullPath, file, fileLength, skipMismatch, pending, errors);
        }
    }

    private static IH5Group? FindGroup(IH5Group group, string path)
    {
        var current = group;
        foreach (var part in path.Split('/'))
        {
            if (!current.LinkExists(part)) return null;
            if (current.Get(part) is not IH5Group next) return null;
            current = next;
        }
        return current;
    }
}
