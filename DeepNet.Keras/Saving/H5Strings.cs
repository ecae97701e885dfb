using PureHDF;

namespace DeepNet.Keras.Saving;

/// <summary>
/// Reads and writes the string attributes Keras files carry. h5py stores them in many ways
/// (keras-compat §1.3): fixed- or variable-length, ASCII or UTF-8, scalar or 1-element arrays,
/// lists split over <c>name0</c>, <c>name1</c>… when long, and an empty list as a float64 array
/// of shape (0,). Readers accept all of them; writers use variable-length UTF-8 strings.
/// Before anything is read, the attribute's size (elements × element size) is checked against
/// the file's length, so a corrupt dataspace cannot make the reader allocate beyond the file.
/// </summary>
internal static class H5Strings
{
    /// <summary>Keras's HDF5_OBJECT_HEADER_LIMIT: longer name lists are split in chunks.</summary>
    public const int ObjectHeaderLimit = 64512;

    /// <summary>Most names a list attribute may hold (a guard against corrupt sizes).</summary>
    private const ulong MaxListLength = 1 << 22;

    /// <summary>The string attribute <paramref name="name"/>, or null when absent.</summary>
    public static string? ReadString(IH5Object owner, string name, string where, long fileLength)
    {
        if (!owner.AttributeExists(name)) return null;
        var attribute = owner.Attribute(name);
        var values = ReadStrings(attribute, $"{where}@{name}", fileLength);
        if (values.Length != 1)
            throw new KerasFileException($"{where}: attribute '{name}' should hold one string, it holds {values.Length}.");
        return values[0];
    }

    /// <summary>
    /// The list attribute <paramref name="name"/> (layer_names, weight_names): the attribute
    /// itself, else the chunks name0, name1… until a gap; empty when absent or numeric and empty.
    /// </summary>
    public static string[] ReadList(IH5Object owner, string name, string where, long fileLength)
    {
        if (owner.AttributeExists(name)) return ReadStrings(owner.Attribute(name), $"{where}@{name}", fileLength);
        var all = new List<string>();
        for (int chunk = 0; owner.AttributeExists($"{name}{chunk}"); chunk++)
        {
            all.AddRange(ReadStrings(owner.Attribute($"{name}{chunk}"), $"{where}@{name}{chunk}", fileLength));
            if ((ulong)all.Count > MaxListLength) throw new KerasFileException($"{where}: attribute '{name}' lists more than {MaxListLength} names.");
        }
        return all.ToArray();
    }

    /// <summary>True when the attribute or its first chunk exists.</summary>
    public static bool HasList(IH5Object owner, string name) =>
        owner.AttributeExists(name) || owner.AttributeExists(name + "0");

    private static string[] ReadStrings(IH5Attribute attribute, string where, long fileLength)
    {
        if (attribute.Space.Rank > 1)
            throw new KerasFileException($"{where}: expected a string or a 1-D list of strings, found dimensions [{string.Join(", ", attribute.Space.Dimensions)}].");
        ulong count = H5Weights.CheckedSize(attribute.Space.Dimensions, attribute.Type.Size, fileLength, where);
        if (count > MaxListLength)
            throw new KerasFileException($"{where}: a list of {count} strings is more than the {MaxListLength} accepted.");
        switch (attribute.Type.Class)
        {
            case H5DataTypeClass.String:
            case H5DataTypeClass.VariableLength:
                string[] values = attribute.Space.Rank == 0 ? [attribute.Read<string>()] : attribute.Read<string[]>();
                for (int i = 0; i < values.Length; i++) values[i] = (values[i] ?? "").TrimEnd('\0');
                return values;
            case H5DataTypeClass.FloatingPoint:
            case H5DataTypeClass.FixedPoint:
                // h5py writes an empty Python list as a float64 array of shape (0,).
                if (count == 0) return Array.Empty<string>();
                break;
        }
        throw new KerasFileException($"{where}: expected strings, found {attribute.Type.Class} data with dimensions [{string.Join(", ", attribute.Space.Dimensions)}].");
    }

    /// <summary>Writes a string attribute (variable-length UTF-8, as h5py writes Python str).</summary>
    public static void WriteString(H5Object owner, string name, string value) => owner.Attributes[name] = value;

    /// <summary>
    /// Writes a list attribute: an empty list as float64 (0,) like h5py, a long one split into
    /// <c>name0</c>, <c>name1</c>… chunks under Keras's header limit.
    /// </summary>
    public static void WriteList(H5Object owner, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            owner.Attributes[name] = Array.Empty<double>();
            return;
        }
        long bytes = 0;
        foreach (var v in values) bytes += System.Text.Encoding.UTF8.GetByteCount(v) + 1;
        if (bytes < ObjectHeaderLimit)
        {
            owner.Attributes[name] = values.ToArray();
            return;
        }
        // Same arithmetic as Keras: enough chunks that each stays under the limit.
        int chunks = 1;
        while (true)
        {
            chunks++;
            int per = (values.Count + chunks - 1) / chunks;
            bool fits = true;
            for (int c = 0; c < chunks && fits; c++)
            {
                long size = 0;
                foreach (var v in values.Skip(c * per).Take(per)) size += System.Text.Encoding.UTF8.GetByteCount(v) + 1;
                fits = size < ObjectHeaderLimit;
            }
            if (fits || chunks >= values.Count)
            {
                for (int c = 0; c < chunks; c++)
                {
                    var part = values.Skip(c * per).Take(per).ToArray();
                    if (part.Length > 0) owner.Attributes[$"{name}{c}"] = part;
                }
                return;
            }
        }
    }
}
