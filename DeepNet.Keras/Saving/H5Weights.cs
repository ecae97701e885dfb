using PureHDF;

namespace DeepNet.Keras.Saving;

/// <summary>
/// Reads weight datasets into host arrays after checking their shape against the variable they
/// are meant for, and collects them so that nothing is assigned until every weight of the file
/// has been read and checked (a failed load leaves the model as it was).
/// </summary>
internal sealed class PendingWeights
{
    private readonly List<(Variable Variable, float[] Values)> _items = new();
    private readonly List<(Variable Variable, long Value)> _counters = new();

    public int Count => _items.Count + _counters.Count;

    public void Add(Variable variable, float[] values) => _items.Add((variable, values));

    /// <summary>An integer scalar (an optimizer's iteration counter), kept exact rather than through float.</summary>
    public void AddCounter(Variable variable, long value) => _counters.Add((variable, value));

    /// <summary>Takes over everything <paramref name="other"/> collected.</summary>
    public void AddAll(PendingWeights other)
    {
        _items.AddRange(other._items);
        _counters.AddRange(other._counters);
    }

    /// <summary>Copies every collected value into its variable.</summary>
    public void AssignAll()
    {
        foreach (var (variable, values) in _items) variable.Assign(values);
        foreach (var (variable, value) in _counters)
        {
            if (variable.DType == DType.Int64) variable.Value.Backend.Upload<long>([value], variable.Value);
            else variable.Assign([(float)value]);
        }
    }
}

internal static class H5Weights
{
    /// <summary>The dataset's shape, checked to be a plain array of a sensible rank.</summary>
    public static ulong[] Dims(IH5Dataset dataset, string where)
    {
        var dims = dataset.Space.Dimensions;
        if (dims.Length > 32) throw new KerasFileException($"{where}: a dataset of rank {dims.Length} is not a Keras weight (corrupt dataspace).");
        return dims;
    }

    /// <summary>
    /// The number of elements of a dataspace, after checking that elements × element size fits in
    /// the file (no overflow, nothing larger than the file could hold), before anything is read.
    /// </summary>
    public static ulong CheckedSize(IReadOnlyList<ulong> dims, long elementSize, long fileLength, string where)
    {
        ulong count = 1;
        ulong limit = (ulong)Math.Max(0, fileLength);
        foreach (var d in dims)
        {
            if (d != 0 && count > limit / d)
                throw new KerasFileException($"{where}: the dataspace [{string.Join(", ", dims)}] claims more elements than the whole file ({fileLength} bytes) could hold.");
            count *= d;
        }
        ulong size = (ulong)Math.Max(1L, elementSize);
        if (count > limit / size)
            throw new KerasFileException($"{where}: the dataspace [{string.Join(", ", dims)}] of {elementSize}-byte elements claims more bytes than the whole file ({fileLength} bytes).");
        return count;
    }

    public static string Format(IReadOnlyList<ulong> dims) =>
        dims.Count == 1 ? $"({dims[0]},)" : $"({string.Join(", ", dims)})";

    public static string Format(Shape shape) => Format(shape.Select(d => (ulong)d).ToArray());

    /// <summary>True when the dataset's dimensions equal <paramref name="shape"/>.</summary>
    public static bool SameShape(IReadOnlyList<ulong> dims, Shape shape)
    {
        if (dims.Count != shape.Rank) return false;
        for (int i = 0; i < dims.Count; i++)
        {
            if (dims[i] != (ulong)shape[i]) return false;
        }
        return true;
    }

    /// <summary>
    /// Reads a float dataset whose shape has already been checked against
    /// <paramref name="shape"/>. The byte size is checked against the file's length first, so a
    /// corrupt header cannot make us allocate more than the file could hold.
    /// </summary>
    public static float[] ReadFloats(IH5Dataset dataset, Shape shape, string where, long fileLength)
    {
        var type = dataset.Type;
        long count = shape.Size;
        long bytes = checked(count * (long)Math.Max(1u, type.Size));
        if (dataset.Space.Type != H5DataspaceType.Simple && dataset.Space.Type != H5DataspaceType.Scalar)
            throw new KerasFileException($"{where}: the dataset has no data (dataspace {dataset.Space.Type}).");
        if (bytes > fileLength)
            throw new KerasFileException($"{where}: the dataset claims {bytes} bytes, more than the whole file ({fileLength} bytes).");
        switch (type.Class)
        {
            case H5DataTypeClass.FloatingPoint when type.Size == 4:
                return Check(dataset.Read<float[]>(), count, where);
            case H5DataTypeClass.FloatingPoint when type.Size == 8:
                return Check(dataset.Read<double[]>(), count, where).Select(v => (float)v).ToArray();
            case H5DataTypeClass.FloatingPoint when type.Size == 2:
                return Check(dataset.Read<Half[]>(), count, where).Select(v => (float)v).ToArray();
            case H5DataTypeClass.FixedPoint when type.Size == 8:
                return Check(dataset.Read<long[]>(), count, where).Select(v => (float)v).ToArray();
            case H5DataTypeClass.FixedPoint when type.Size == 4:
                return Check(dataset.Read<int[]>(), count, where).Select(v => (float)v).ToArray();
            default:
                throw new KerasFileException($"{where}: unsupported weight type {type.Class} of {type.Size} bytes (expected float32).");
        }
    }

    /// <summary>Reads an integer scalar dataset (an iteration counter: int64 on TensorFlow, int32 on JAX, float in odd files).</summary>
    public static long ReadCounter(IH5Dataset dataset, string where, long fileLength)
    {
        var dims = Dims(dataset, where);
        ulong count = CheckedSize(dims, dataset.Type.Size, fileLength, where);
        if (count != 1) throw new KerasFileException($"{where}: an iteration counter must hold one value, the dataset has shape {Format(dims)}.");
        var type = dataset.Type;
        return type.Class switch
        {
            H5DataTypeClass.FixedPoint when type.Size == 8 => dataset.Read<long[]>()[0],
            H5DataTypeClass.FixedPoint when type.Size == 4 => dataset.Read<int[]>()[0],
            H5DataTypeClass.FloatingPoint when type.Size == 8 => checked((long)dataset.Read<double[]>()[0]),
            H5DataTypeClass.FloatingPoint when type.Size == 4 => checked((long)dataset.Read<float[]>()[0]),
            _ => throw new KerasFileException($"{where}: unsupported iteration counter type {type.Class} of {type.Size} bytes."),
        };
    }

    private static T[] Check<T>(T[] values, long count, string where) =>
        values.Length == count ? values : throw new KerasFileException($"{where}: read {values.Length} values, expected {count}.");

    /// <summary>
    /// A dataset of the variable's shape and type (a 0-D variable gives a scalar dataset):
    /// float32, or int64 for an optimizer's iteration counter, as Keras on TensorFlow writes it.
    /// </summary>
    public static H5Dataset Dataset(Variable variable)
    {
        var dims = variable.Shape.Select(d => (ulong)d).ToArray();
        return variable.DType switch
        {
            DType.Int64 => new H5Dataset<long[]>(variable.Value.ToArray<long>(), fileDims: dims),
            DType.Int32 => new H5Dataset<int[]>(variable.Value.ToArray<int>(), fileDims: dims),
            _ => new H5Dataset<float[]>(variable.ToArray(), fileDims: dims),
        };
    }

    /// <summary>Adds <paramref name="dataset"/> at a '/'-separated path below <paramref name="group"/>, making groups.</summary>
    public static void Put(H5Group group, string path, object dataset)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new ArgumentException($"Empty HDF5 path '{path}'.");
        var current = group;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (!current.TryGetValue(parts[i], out var child))
            {
                child = new H5Group();
                current[parts[i]] = child;
            }
            current = child as H5Group ?? throw new ArgumentException($"HDF5 path '{path}': '{parts[i]}' is a dataset, not a group.");
        }
        if (current.ContainsKey(parts[^1])) throw new ArgumentException($"HDF5 path '{path}' is written twice.");
        current[parts[^1]] = dataset;
    }
}
