using System.CommandLine;
using System.IO.Compression;
using DeepNet.Keras.Saving;

namespace DeepNet.Cli;

/// <summary>
/// <c>deepnet inspect FILE</c>: the HDF5 tree of a Keras .h5 / .weights.h5 file (groups,
/// datasets with shape and dtype, attributes), or for a .keras archive its zip entries and the
/// tree of its model.weights.h5.
/// </summary>
public static class InspectCommand
{
    public const int DefaultMaxValueLength = 120;

    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "A Keras .h5, .weights.h5 or .keras file." };
        var maxLength = new Option<int>("--max-value-length")
        {
            Description = "Attribute values longer than this many characters are cut short (0: print them whole).",
            DefaultValueFactory = _ => DefaultMaxValueLength,
        };
        maxLength.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, out int n) && n < 0)
                result.AddError($"--max-value-length must be 0 or more; received {n}.");
        });
        var command = new Command("inspect", "List the HDF5 groups, datasets (shape, dtype) and attributes of a Keras file; for .keras also its zip entries.")
        {
            file, maxLength,
        };
        command.SetAction(parse => Execute(parse.GetValue(file)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, parse.GetValue(maxLength)));
        return command;
    }

    public static int Execute(string path, TextWriter output, TextWriter error, int maxValueLength = DefaultMaxValueLength) =>
        CommandRunner.Run("inspect", error, () =>
        {
            var tree = new H5TreeWriter(output, maxValueLength);
            switch (KerasFiles.Detect(path))
            {
                case KerasFiles.Kind.Hdf5:
                    output.WriteLine($"{path}: HDF5");
                    KerasFiles.WithHdf5(path, (root, _) =>
                    {
                        tree.Write(root);
                        return 0;
                    });
                    return 0;
                case KerasFiles.Kind.Zip:
                    output.WriteLine($"{path}: zip archive (.keras)");
                    ListEntries(path, output);
                    var contents = KerasFiles.Guard(path, () => KerasArchive.Read(path, needConfig: false));
                    if (contents.Metadata is { } metadata) output.WriteLine($"{KerasArchive.MetadataEntry}: {metadata.ToString(Newtonsoft.Json.Formatting.None)}");
                    output.WriteLine();
                    output.WriteLine($"{KerasArchive.WeightsEntry}:");
                    string where = $"{path}:{KerasArchive.WeightsEntry}";
                    KerasFiles.WithHdf5(contents.Weights, where, (root, _) =>
                    {
                        tree.Write(root);
                        return 0;
                    });
                    return 0;
                default:
                    throw new CommandException($"{path}: neither an HDF5 file nor a .keras (zip) archive; for a .json architecture use `deepnet summary`.");
            }
        });

    private static void ListEntries(string path, TextWriter output)
    {
        KerasFiles.Guard(path, () =>
        {
            using var zip = ZipFile.OpenRead(path);
            output.WriteLine("entries:");
            int width = zip.Entries.Count == 0 ? 0 : zip.Entries.Max(e => e.FullName.Length);
            foreach (var entry in zip.Entries)
            {
                string method = entry.CompressedLength == entry.Length ? "stored" : $"compressed to {entry.CompressedLength} bytes";
                output.WriteLine($"  {entry.FullName.PadRight(width)}  {entry.Length,12} bytes  ({method})");
            }
            return 0;
        });
    }
}
