using System.CommandLine;

namespace DeepNet.Cli;

/// <summary><c>deepnet summary MODEL</c>: the file's Keras version and format, then Keras's summary table.</summary>
public static class SummaryCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A Keras model: .h5 (full model), .keras, or .json architecture." };
        var command = new Command("summary", "Print the Keras version and format of a model file and Keras's model.summary() table.") { model };
        command.SetAction(parse => Execute(parse.GetValue(model)!, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    public static int Execute(string modelPath, TextWriter output, TextWriter error) =>
        CommandRunner.Run("summary", error, () =>
        {
            var info = KerasFileInfo.Read(modelPath);
            output.WriteLine($"File: {modelPath}");
            output.WriteLine($"Format: {info.Describe()}");
            if (info.Backend is not null) output.WriteLine($"Backend: {info.Backend}");
            output.WriteLine();
            if (info.HoldsWeightsOnly)
            {
                // Not a failure: the file is what it is, and this says how to look inside.
                output.WriteLine("This file holds weights only: there is no architecture to summarise. List its groups and");
                output.WriteLine("datasets with");
                output.WriteLine($"  deepnet inspect {modelPath}");
                output.WriteLine("or summarise the architecture it belongs to (its .json or full-model file).");
                return 0;
            }
            var model = ModelLoader.Load(info, weights: null, needWeights: false, compile: false);
            model.Summary(output);
            return 0;
        });
}
