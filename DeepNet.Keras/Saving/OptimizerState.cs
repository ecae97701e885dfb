using DeepNet.Keras.Optimizers;
using PureHDF;

namespace DeepNet.Keras.Saving;

/// <summary>
/// An optimizer's variables in files (keras-compat §1.6, §2.2): the legacy <c>.h5</c>
/// <c>optimizer_weights</c> group (datasets named by variable path, listed in
/// <c>weight_names</c>) and <c>optimizer/vars/0..n</c> of the Keras 3 weights layout. Both hold
/// the variables in Keras 3 order: iteration, learning_rate (absent with a schedule), then the
/// slots. Restoring is positional, as in Keras, after the optimizer was built over the model's
/// trainable variables. The orders of Keras 2 files are recognised too (no learning_rate;
/// tf.keras optimizer_v2 and Keras ≤ 2.2 group the slots by kind). State that fits none of them
/// gives a warning and a fresh optimizer, never a failed load (as Keras does).
/// </summary>
internal static class OptimizerState
{
    /// <summary>One stored variable: its name (weight_names entry or index) and dataset.</summary>
    public readonly record struct Stored(string Name, IH5Dataset Dataset);

    // ---- writing -------------------------------------------------------------------------------

    /// <summary>The legacy <c>optimizer_weights</c> group: <c>weight_names</c> = variable paths, one dataset each.</summary>
    public static H5Group LegacyGroup(Optimizer optimizer)
    {
        var group = new H5Group();
        var names = new List<string>();
        foreach (var v in optimizer.Variables)
        {
            string name = v.Path;
            for (int k = 1; names.Contains(name); k++) name = $"{v.Path}_{k}";
            names.Add(name);
            H5Weights.Put(group, name, H5Weights.Dataset(v));
        }
        H5Strings.WriteList(group, "weight_names", names);
        return group;
    }

    /// <summary>The Keras 3 <c>vars</c> group of the optimizer: datasets "0", "1"… and the optimizer's name.</summary>
    public static H5Group VarsGroup(Optimizer optimizer)
    {
        var vars = new H5Group();
        H5Strings.WriteString(vars, "name", optimizer.Name);
        var variables = optimizer.Variables;
        for (int i = 0; i < variables.Count; i++)
            vars[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = H5Weights.Dataset(variables[i]);
        return vars;
    }

    // ---- reading -------------------------------------------------------------------------------

    /// <summary>The datasets of a legacy <c>optimizer_weights</c> group, in weight_names order.</summary>
    public static List<Stored> ReadLegacyGroup(IH5Group group, string file, string groupPath, long fileLength)
    {
        var names = H5Strings.ReadList(group, "weight_names", $"{file}:{groupPath}", fileLength);
        var stored = new List<Stored>(names.Length);
        foreach (var name in names)
        {
            string path = $"{groupPath}/{name}";
            if (!group.LinkExists(name)) throw new KerasFileException($"{file}: optimizer weight {path} listed in weight_names is missing.") { FilePath = file };
            var dataset = group.Get(name) as IH5Dataset ?? throw new KerasFileException($"{file}: {path} is not a dataset.") { FilePath = file };
            stored.Add(new Stored(name, dataset));
        }
        return stored;
    }

    /// <summary>The datasets of a Keras 3 <c>vars</c> group, "0", "1"… until a gap.</summary>
    public static List<Stored> ReadVarsGroup(IH5Group vars, string file, string varsPath)
    {
        var stored = new List<Stored>();
        for (int i = 0; ; i++)
        {
            string key = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!vars.LinkExists(key)) break;
            var dataset = vars.Get(key) as IH5Dataset ?? throw new KerasFileException($"{file}: {varsPath}/{key} is not a dataset.") { FilePath = file };
            stored.Add(new Stored(key, dataset));
        }
        return stored;
    }

    /// <summary>
    /// Reads <paramref name="stored"/> into <paramref name="pending"/> for the variables of the
    /// built <paramref name="optimizer"/>. Returns false, with the reason, when the stored state
    /// does not fit the optimizer; nothing is added then.
    /// </summary>
    public static bool TryRead(Optimizer optimizer, IReadOnlyList<Stored> stored, string file, string where, long fileLength,
        PendingWeights pending, out string problem)
    {
        var ours = optimizer.Variables;
        var mapping = Match(optimizer, stored);
        if (mapping is null)
        {
            problem = $"{where}: the optimizer '{optimizer.Name}' ({optimizer.ClassName}) has {ours.Count} variables, the file holds {stored.Count} " +
                      $"that fit neither Keras 3's nor Keras 2's order ([{string.Join(", ", stored.Take(4).Select(s => s.Name))}{(stored.Count > 4 ? ", …" : "")}]).";
            return false;
        }
        var local = new PendingWeights();
        for (int i = 0; i < mapping.Length; i++)
        {
            var variable = ours[i];
            int k = mapping[i];
            if (k < 0) continue; // not stored (the learning rate in Keras 2 files): keep the configured value
            string at = $"{file}:{where}/{stored[k].Name}";
            if (variable.DType == DType.Int64 || variable.DType == DType.Int32) local.AddCounter(variable, H5Weights.ReadCounter(stored[k].Dataset, at, fileLength));
            else local.Add(variable, H5Weights.ReadFloats(stored[k].Dataset, variable.Shape, at, fileLength));
        }
        pending.AddAll(local);
        problem = "";
        return true;
    }

    /// <summary>
    /// For each optimizer variable, the index of the stored variable holding it (−1: not stored),
    /// or null when the stored list fits no known order.
    /// </summary>
    private static int[]? Match(Optimizer optimizer, IReadOnlyList<Stored> stored)
    {
        var ours = optimizer.Variables;
        var dims = stored.Select(s => H5Weights.Dims(s.Dataset, s.Name)).ToArray();

        // Keras 3: the same list, position by position.
        if (stored.Count == ours.Count && Enumerable.Range(0, ours.Count).All(i => H5Weights.SameShape(dims[i], ours[i].Shape)))
            return Enumerable.Range(0, ours.Count).ToArray();

        // Keras 2: the iteration counter first, no learning rate, then the slots.
        if (stored.Count == 0 || !IsScalar(dims[0])) return null;
        var state = Enumerable.Range(1, ours.Count - 1).Where(i => ours[i].Name != "learning_rate").ToList();
        int slotsStored = stored.Count - 1;
        // Keras ≤ 2.2 Adam keeps a (1,) placeholder v̂ per variable when amsgrad is off.
        while (slotsStored > state.Count && dims[slotsStored] is [1]) slotsStored--;
        if (slotsStored != state.Count) return null;

        var interleaved = state; // tf.keras ≥ 2.11 creates the slots per variable, as Keras 3
        var grouped = GroupedBySlot(optimizer, state, ours);
        string leaf = stored[0].Name.Split('/')[^1];
        bool newStyle = leaf.StartsWith("iteration:", StringComparison.Ordinal) || leaf == "iteration";
        foreach (var order in newStyle ? new[] { interleaved, grouped } : [grouped, interleaved])
        {
            if (!Enumerable.Range(0, order.Count).All(j => H5Weights.SameShape(dims[j + 1], ours[order[j]].Shape))) continue;
            var mapping = Enumerable.Repeat(-1, ours.Count).ToArray();
            mapping[0] = 0;
            for (int j = 0; j < order.Count; j++) mapping[order[j]] = j + 1;
            return mapping;
        }
        return null;
    }

    private static bool IsScalar(ulong[] dims) => dims.Length == 0 || dims is [1];

    /// <summary>
    /// The slot variables reordered as Keras 2's optimizer_v2 made them: all slots of one kind
    /// (m for every variable), then the next kind. A slot's kind is its name after the
    /// mangled path of the variable it belongs to (<c>dense_kernel_momentum</c> → momentum).
    /// </summary>
    private static List<int> GroupedBySlot(Optimizer optimizer, List<int> state, IReadOnlyList<Variable> ours)
    {
        var prefixes = optimizer.TrainableVariables.Select(v => v.Path.Replace('/', '_') + "_").OrderByDescending(p => p.Length).ToArray();
        string Kind(Variable slot)
        {
            foreach (var p in prefixes)
            {
                if (slot.Name.StartsWith(p, StringComparison.Ordinal)) return slot.Name[p.Length..];
            }
            return slot.Name;
        }
        var kinds = new List<string>();
        foreach (int i in state)
        {
            string kind = Kind(ours[i]);
            if (!kinds.Contains(kind)) kinds.Add(kind);
        }
        return state.OrderBy(i => kinds.IndexOf(Kind(ours[i]))).ToList(); // OrderBy is stable
    }
}
