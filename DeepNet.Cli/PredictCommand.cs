using System.CommandLine;
using DeepNet.Backends;
using DeepNet.Keras;
using DeepNet.Keras.Engine;
using DeepNet.Numpy;

namespace DeepNet.Cli;

/// <summary>
/// <c>deepnet predict MODEL --input X.npy … --output-dir DIR</c>: runs Keras's
/// <c>model.predict</c> on .npy inputs and writes output_0.npy, output_1.npy… in the model's
/// output order.
/// </summary>
public static class PredictCommand
{
    public const int DefaultBatchSize = 32;

    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A Keras model: .h5 (full model), .keras, or .json architecture (then --weights is required)." };
        var weights = new Option<string?>("--weights") { Description = "Weights to load into the model (.h5 or .weights.h5); required when MODEL is a .json." };
        var inputs = new Option<string[]>("--input", "-i")
        {
            Description = "A .npy file for the model's next input (repeat the option for several inputs, in the model's input order).",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var outputDir = new Option<string>("--output-dir", "-o") { Description = "Folder for output_0.npy, output_1.npy… (made when missing).", Required = true };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per batch (Keras's default: 32).", DefaultValueFactory = _ => DefaultBatchSize };
        batchSize.Validators.Add(result =>
        {
            // Text that is not a number at all is reported by the parser itself.
            if (result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, out int n) && n < 1)
                result.AddError($"--batch-size must be a positive integer; received {n}.");
        });
        var backend = new Option<string?>("--backend") { Description = "cpu, cuda or auto (default: DEEPNET_BACKEND, else auto)." };
        backend.AcceptOnlyFromAmong("cpu", "cuda", "auto");

        var command = new Command("predict", "Run the model on .npy inputs and write its outputs as .npy files (Keras model.predict).")
        {
            model, weights, inputs, outputDir, batchSize, backend,
        };
        command.SetAction(parse => Execute(parse.GetValue(model)!, parse.GetValue(weights), parse.GetValue(inputs) ?? [], parse.GetValue(outputDir)!,
            parse.GetValue(batchSize), parse.GetValue(backend), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    public static int Execute(string modelPath, string? weightsPath, IReadOnlyList<string> inputPaths, string outputDir, int batchSize,
        string? backend, TextWriter output, TextWriter error) =>
        CommandRunner.Run("predict", error, () =>
        {
            if (batchSize < 1) throw new CommandException($"--batch-size must be a positive integer; received {batchSize}.");
            if (inputPaths.Count == 0) throw new CommandException("give at least one --input X.npy.");
            // Check the files before anything slow, so a bad path fails at once.
            RequireFile(modelPath, "MODEL");
            if (weightsPath is not null) RequireFile(weightsPath, "--weights");
            foreach (var path in inputPaths) RequireFile(path, "--input");
            var arrays = inputPaths.Select(Npy.Read).ToArray();
            if (backend is not null) Backend.Use(backend);
            var info = KerasFileInfo.Read(modelPath);
            var model = ModelLoader.Load(info, weightsPath, needWeights: true, compile: false);
            var shapes = CheckInputs(model, arrays, inputPaths);
            for (int i = 0; i < shapes.Length; i++)
            {
                if (shapes[i].Rank != arrays[i].Shape.Rank) output.WriteLine($"{inputPaths[i]}: {arrays[i].Shape} fed as {shapes[i]} to match the model's input.");
            }

            var tensors = new Tensor[arrays.Length];
            Tensor[] results = [];
            try
            {
                for (int i = 0; i < arrays.Length; i++)
                    tensors[i] = ToModelInput(arrays[i], shapes[i], model.Inputs.Count > i ? model.Inputs[i].DType : DType.Float32, inputPaths[i]);
                results = model.PredictMany(tensors, batchSize);
                Directory.CreateDirectory(outputDir);
                var names = model.OutputNames;
                for (int i = 0; i < results.Length; i++)
                {
                    string file = Path.Combine(outputDir, $"output_{i}.npy");
                    Npy.Save(file, results[i]);
                    string source = i < names.Count ? $" ({names[i]})" : "";
                    output.WriteLine($"{file}: {results[i].Shape} {results[i].DType.Name()}{source}");
                }
            }
            finally
            {
                foreach (var t in tensors) t?.Dispose();
                foreach (var t in results) t.Dispose();
            }
            return 0;
        });

    private static void RequireFile(string path, string what)
    {
        if (!File.Exists(path)) throw new CommandException($"{what} {path}: no such file.");
    }

    /// <summary>
    /// Checks input count, per-sample dimensions and sample counts against the model's inputs and
    /// returns the shape each array is fed as: its own, or with a trailing dimension of 1 added
    /// or removed where that alone makes the ranks agree (Keras 3's functional models do the same).
    /// </summary>
    internal static Shape[] CheckInputs(Model model, IReadOnlyList<NpyArray> arrays, IReadOnlyList<string> paths)
    {
        var expected = model.Inputs;
        if (expected.Count == 0)
        {
            // An unbuilt Sequential: its input shape comes from the data, but it has one input.
            if (arrays.Count != 1) throw new CommandException($"model '{model.Name}' takes 1 input; received {arrays.Count} (--input {string.Join(", --input ", paths)}).");
        }
        else if (arrays.Count != expected.Count)
        {
            throw new CommandException(
                $"model '{model.Name}' takes {expected.Count} input(s) ({string.Join(", ", expected.Select(Describe))}); " +
                $"received {arrays.Count} (--input {string.Join(", --input ", paths)}).");
        }
        var shapes = new Shape[arrays.Count];
        for (int i = 0; i < arrays.Count; i++)
        {
            var shape = arrays[i].Shape;
            if (shape.Rank == 0 || shape[0] == 0) throw new CommandException($"input {i} ({paths[i]}) holds no samples: shape {shape}.");
            if (shape[0] != arrays[0].Shape[0])
                throw new CommandException($"input {i} ({paths[i]}) has {shape[0]} samples but input 0 ({paths[0]}) has {arrays[0].Shape[0]}; every input needs the same number.");
            shapes[i] = shape;
            if (i >= expected.Count) continue;
            var want = expected[i].Shape;
            if (shape.Rank == want.Rank - 1 && want.Last == 1) shapes[i] = new Shape([.. shape, 1]);
            else if (shape.Rank == want.Rank + 1 && shape[^1] == 1) shapes[i] = new Shape(shape.Take(shape.Rank - 1).ToArray());
            if (!Fits(shapes[i], want))
                throw new ShapeMismatchException($"model '{model.Name}'",
                    $"input {i} ({paths[i]}) has shape {shape}, but its input '{expected[i].Layer.Name}' expects {want} (None: any size).");
        }
        return shapes;
    }

    private static bool Fits(Shape shape, KerasShape want)
    {
        if (shape.Rank != want.Rank) return false;
        for (int d = 1; d < want.Rank; d++)
        {
            if (want[d] is int n && n != shape[d]) return false;
        }
        return true;
    }

    private static string Describe(KerasTensor input) => $"'{input.Layer.Name}' {input.Shape} {input.KerasDType}";

    /// <summary>
    /// The array as a tensor of the model input's dtype, as Keras converts its inputs: integer
    /// token ids become float for a float input (Embedding reads them back exactly), and float
    /// data for an integer input must hold whole numbers.
    /// </summary>
    internal static Tensor ToModelInput(NpyArray array, Shape shape, DType dtype, string path)
    {
        if (array.TensorDType == dtype)
        {
            using var tensor = array.ToTensor();
            return tensor.Reshape(shape);
        }
        switch (dtype)
        {
            case DType.Float32:
                return Tensor.FromArray(array.ToFloat32(), shape);
            case DType.Int32 or DType.Int64:
                long[] values;
                if (array.TensorDType == DType.Float32)
                {
                    var floats = array.ToFloat64();
                    values = new long[floats.Length];
                    for (int i = 0; i < floats.Length; i++)
                    {
                        double v = floats[i];
                        if (v != Math.Floor(v) || Math.Abs(v) > (1L << 53))
                            throw new CommandException($"{path}: the model input is {dtype.Name()}, but element {i} is {v}, not a whole number.");
                        values[i] = (long)v;
                    }
                }
                else
                {
                    values = array.ToInt64();
                }
                if (dtype == DType.Int64) return Tensor.FromArray(values, shape);
                var ints = new int[values.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    ints[i] = values[i] is >= int.MinValue and <= int.MaxValue
                        ? (int)values[i]
                        : throw new CommandException($"{path}: element {i} ({values[i]}) does not fit the model's int32 input.");
                }
                return Tensor.FromArray(ints, shape);
            default:
                throw new NotSupportedException($"{path}: model inputs of dtype {dtype} are not supported by deepnet predict.");
        }
    }
}
