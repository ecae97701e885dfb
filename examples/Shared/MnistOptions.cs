using System.CommandLine;
using DeepNet.Keras.Datasets;

namespace DeepNet.Examples;

/// <summary>The MNIST examples' data options (--data, --train-samples) and the loading they ask for.</summary>
internal sealed class MnistOptions
{
    /// <summary>Folder with the MNIST IDX files.</summary>
    public Option<string?> Data { get; } = new("--data") { Description = "Folder with the MNIST IDX files (gzipped or not); default: Keras's cache ~/.keras/datasets." };

    /// <summary>With only the t10k files: how many train (the rest test).</summary>
    public Option<int> TrainSamples { get; } = new("--train-samples") { Description = "With only the t10k files: how many of them to train on (the rest are the test set).", DefaultValueFactory = _ => 8000 };

    /// <summary>Loads MNIST with images of <paramref name="imageShape"/>, or says why not on stderr and returns null.</summary>
    public (Tensor XTrain, Tensor YTrain, Tensor XTest, Tensor YTest)? Load(ParseResult parse, int[] imageShape) =>
        Mnist.LoadForExample(parse.GetValue(Data), parse.GetValue(TrainSamples), imageShape, Console.Out, Console.Error);
}
