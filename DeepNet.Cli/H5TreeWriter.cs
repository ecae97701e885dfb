using System.Globalization;
using System.Text;
using PureHDF;

namespace DeepNet.Cli;

/// <summary>
/// Writes an HDF5 tree one object per line, by full path, in name order (as h5py lists them):
/// groups, datasets with their shape and dtype, and under each object its attributes with
/// short values printed and long ones cut at a set length.
/// </summary>
internal sealed class H5TreeWriter
{
    // Guards against corrupt or cyclic files: HDF5 hard links may point back up the tree.
    private const int MaxDepth = 64;
    private const int MaxObjects = 1_000_000;

    // Attributes with more elements than this are described, not read.
    private const ulong MaxAttributeElements = 1 << 16;

    private readonly TextWriter _output;
    private readonly int _maxValueLength;
    private int _objects;

    /// <param name="maxValueLength">Characters of an attribute value printed before cutting it (0: no limit).</param>
    public H5TreeWriter(TextWriter output, int maxValueLength)
    {
        _output = output;
        _maxValueLength = maxValueLength;
    }

    public void Write(IH5Group root) => WriteGroup(root, "/", 0);

    private void WriteGroup(IH5Group group, string path, int depth)
    {
        Count(path);
        _output.WriteLine($"{path}  group");
        WriteAttributes(group);
        if (depth >= MaxDepth)
        {
            _output.WriteLine($"    (not descending further: deeper than {MaxDepth} levels)");
            return;
        }
        foreach (var child in group.Children().OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            string childPath = path == "/" ? "/" + child.Name : $"{path}/{child.Name}";
            switch (child)
            {
                case IH5Group sub:
                    WriteGroup(sub, childPath, depth + 1);
                    break;
                case IH5Dataset dataset:
                    Count(childPath);
                    _output.WriteLine($"{childPath}  dataset {ShapeText(dataset.Space)} {TypeName(dataset.Type)}");
                    WriteAttributes(dataset);
                    break;
                default:
                    Count(childPath);
                    _output.WriteLine($"{childPath}  {child.GetType().Name}");
                    break;
            }
        }
    }

    private void Count(string path)
    {
        if (++_objects > MaxObjects) throw new InvalidDataException($"more than {MaxObjects} objects (at {path}); the file is corrupt or cyclic.");
    }

    private void WriteAttributes(IH5Object owner)
    {
        foreach (var attribute in owner.Attributes().OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            string shape = attribute.Space.Rank == 0 ? "" : " " + ShapeText(attribute.Space);
            _output.WriteLine($"    @{attribute.Name}: {TypeName(attribute.Type)}{shape} = {Cut(ValueText(attribute))}");
        }
    }

    /// <summary>numpy spelling: <c>(3, 3, 1, 32)</c>, <c>(32,)</c>, <c>()</c> for a scalar.</summary>
    internal static string ShapeText(IH5Dataspace space)
    {
        if (space.Type == H5DataspaceType.Null) return "(null)";
        var dims = space.Dimensions;
        return dims.Length == 1 ? $"({dims[0]},)" : $"({string.Join(", ", dims)})";
    }

    /// <summary>numpy-like dtype names: float32, int64, uint8, string (fixed or variable length)…</summary>
    internal static string TypeName(IH5DataType type)
    {
        switch (type.Class)
        {
            case H5DataTypeClass.FloatingPoint:
                return type.Size switch { 2 => "float16", 4 => "float32", 8 => "float64", _ => $"float ({type.Size} bytes)" };
            case H5DataTypeClass.FixedPoint:
                return $"{(type.FixedPoint.IsSigned ? "int" : "uint")}{type.Size * 8}";
            case H5DataTypeClass.String:
                return $"string (fixed, {type.Size} bytes)";
            case H5DataTypeClass.VariableLength:
                return IsVariableLengthString(type) ? "string (variable length)" : $"vlen {TypeName(type.VariableLength.BaseType)}";
            case H5DataTypeClass.Enumerated:
                return $"enum ({type.Size} bytes)";
            default:
                return $"{type.Class.ToString().ToLowerInvariant()} ({type.Size} bytes)";
        }
    }

    private static bool IsVariableLengthString(IH5DataType type)
    {
        // HDF5 keeps a variable-length string as a sequence of 1-byte characters.
        var baseType = type.VariableLength.BaseType;
        return baseType.Class == H5DataTypeClass.String || (baseType.Class == H5DataTypeClass.FixedPoint && baseType.Size == 1);
    }

    private static string ValueText(IH5Attribute attribute)
    {
        var space = attribute.Space;
        if (space.Type == H5DataspaceType.Null) return "(no value)";
        ulong count = 1;
        foreach (var d in space.Dimensions) count *= d;
        if (count > MaxAttributeElements) return $"({count} values, not shown)";
        bool scalar = space.Rank == 0;
        try
        {
            var type = attribute.Type;
            return type.Class switch
            {
                H5DataTypeClass.String => Strings(attribute, scalar),
                H5DataTypeClass.VariableLength when IsVariableLengthString(type) => Strings(attribute, scalar),
                H5DataTypeClass.FloatingPoint => type.Size switch
                {
                    2 => Numbers(attribute, scalar, (Half v) => ((float)v).ToString("R", CultureInfo.InvariantCulture)),
                    4 => Numbers(attribute, scalar, (float v) => v.ToString("R", CultureInfo.InvariantCulture)),
                    8 => Numbers(attribute, scalar, (double v) => v.ToString("R", CultureInfo.InvariantCulture)),
                    _ => "(not shown)",
                },
                H5DataTypeClass.FixedPoint => Integers(attribute, scalar, type.Size, type.FixedPoint.IsSigned),
                _ => "(not shown)",
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One odd attribute should not hide the rest of the tree.
            return $"(unreadable: {e.Message})";
        }
    }

    private static string Strings(IH5Attribute attribute, bool scalar)
    {
        string[] values = scalar ? [attribute.Read<string>()] : attribute.Read<string[]>();
        var quoted = values.Select(v => Quote((v ?? "").TrimEnd('\0')));
        return scalar ? quoted.Single() : $"[{string.Join(", ", quoted)}]";
    }

    private static string Numbers<T>(IH5Attribute attribute, bool scalar, Func<T, string> format) where T : unmanaged
    {
        T[] values = scalar ? [attribute.Read<T>()] : attribute.Read<T[]>();
        return scalar ? format(values[0]) : $"[{string.Join(", ", values.Select(format))}]";
    }

    private static string Integers(IH5Attribute attribute, bool scalar, int size, bool signed) => (size, signed) switch
    {
        (1, true) => Numbers(attribute, scalar, (sbyte v) => v.ToString(CultureInfo.InvariantCulture)),
        (1, false) => Numbers(attribute, scalar, (byte v) => v.ToString(CultureInfo.InvariantCulture)),
        (2, true) => Numbers(attribute, scalar, (short v) => v.ToString(CultureInfo.InvariantCulture)),
        (2, false) => Numbers(attribute, scalar, (ushort v) => v.ToString(CultureInfo.InvariantCulture)),
        (4, true) => Numbers(attribute, scalar, (int v) => v.ToString(CultureInfo.InvariantCulture)),
        (4, false) => Numbers(attribute, scalar, (uint v) => v.ToString(CultureInfo.InvariantCulture)),
        (8, true) => Numbers(attribute, scalar, (long v) => v.ToString(CultureInfo.InvariantCulture)),
        (8, false) => Numbers(attribute, scalar, (ulong v) => v.ToString(CultureInfo.InvariantCulture)),
        _ => "(not shown)",
    };

    /// <summary>A string in double quotes with quotes, backslashes and control characters escaped.</summary>
    private static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c)) sb.Append($"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    private string Cut(string value) =>
        _maxValueLength == 0 || value.Length <= _maxValueLength
            ? value
            : $"{value[.._maxValueLength]}… ({value.Length} characters)";
}
