using System.CommandLine;
using DeepNet;
using DeepNet.Examples;
using DeepNet.Keras;
using DeepNet.Keras.Datasets;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Utils;

namespace ImdbLstm;

/// <summary>
/// A port of Keras's examples/imdb_lstm.py: reviews keep the 20000 most frequent words, are
/// padded or cut to their last 80 words (pad_sequences defaults), then Embedding(20000, 128) →
/// LSTM(128, dropout=0.2, recurrent_dropout=0.2) → Dense(1, sigmoid); binary cross-entropy,
/// Adam, batch 32, 15 epochs, validated on the test set.
/// </summary>
public static class ImdbLstmExample
{
    /// <summary>Vocabulary size (Keras's max_features).</summary>
    public const int MaxFeatures = 20000;

    /// <summary>Words kept per review (Keras's maxlen).</summary>
    public const int Maxlen = 80;

    /// <summary>The example's model, compiled as Keras's script compiles it.</summary>
    public static Sequential BuildModel(int maxFeatures = MaxFeatures, int maxlen = Maxlen)
    {
        var model = new Sequential();
        model.Add(new Embedding(maxFeatures, 128) { InputShape = [maxlen] });
        model.Add(new LSTM(128, dropout: 0.2f, recurrentDropout: 0.2f));
        model.Add(new Dense(1, activation: "sigmoid"));
        model.Compile(loss: "binary_crossentropy", optimizer: new Adam(), metrics: ["accuracy"]);
        return model;
    }

    /// <summary>Reviews as a (samples, maxlen) float tensor of word indices, padded and cut at the start.</summary>
    public static Tensor Pad(IReadOnlyList<int[]> reviews, int maxlen = Maxlen)
    {
        var padded = Sequences.PadSequences<int>(reviews, maxlen);
        var data = new float[padded.Length];
        int i = 0;
        foreach (int w in padded) data[i++] = w;
        return Tensor.FromArray(data, new Shape(reviews.Count, maxlen));
    }

    /// <summary>Labels as a (samples, 1) float tensor.</summary>
    public static Tensor LabelColumn(int[] labels) =>
        Tensor.FromArray(labels.Select(l => (float)l).ToArray(), new Shape(labels.Length, 1));

    /// <summary>Runs the example; returns the process exit code (2 when the data is missing).</summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? errors = null)
    {
        output ??= Console.Out;
        errors ??= Console.Error;
        var dataOption = new Option<string?>("--data") { Description = $"Folder with Keras's {Imdb.KerasFileName} (as Keras downloads it) or {Imdb.ConvertedFileName}; default: Keras's cache ~/.keras/datasets." };
        var options = new ExampleOptions(epochs: 15, batchSize: 32);
        var root = options.Command("IMDB sentiment: Embedding 20000×128, LSTM 128 (dropout 0.2, recurrent dropout 0.2), Dense 1 sigmoid; Adam; batch 32.", dataOption);
        root.SetAction(parse =>
        {
            options.Apply(parse);
            output.WriteLine("Loading data...");
            var data = Imdb.LoadForExample(parse.GetValue(dataOption), MaxFeatures, errors);
            if (data is null) return 2;
            var (train, test) = data.Value;
            output.WriteLine($"{train.Count} train sequences");
            output.WriteLine($"{test.Count} test sequences");

            output.WriteLine("Pad sequences (samples x time)");
            var xTrain = Pad(train.Sequences);
            var xTest = Pad(test.Sequences);
            var yTrain = LabelColumn(train.Labels);
            var yTest = LabelColumn(test.Labels);
            output.WriteLine($"x_train shape: {xTrain.Shape}");
            output.WriteLine($"x_test shape: {xTest.Shape}");

            output.WriteLine("Build model...");
            var model = BuildModel();
            model.Summary();

            output.WriteLine("Train...");
            model.Fit(xTrain, yTrain, batchSize: parse.GetValue(options.BatchSize), epochs: parse.GetValue(options.Epochs), verbose: 1, validationData: (xTest, yTest));
            var score = model.Evaluate(xTest, yTest, batchSize: parse.GetValue(options.BatchSize), verbose: 0);
            output.WriteLine($"test_loss: {score["loss"]:F4} - test_accuracy: {score["accuracy"]:F4}");
            return 0;
        });
        return root.Parse(args).Invoke();
    }
}
