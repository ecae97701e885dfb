using DeepNet.Keras.Datasets;
// MNIST as sequences: each image is read as 28 timesteps (its rows) of 28 pixels by an LSTM of
// 128 units, followed by Dense 10 softmax; categorical cross-entropy, Adam at Keras's defaults.
using System.CommandLine;
using DeepNet;
using DeepNet.Backends;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Utils;

var dataOption = new Option<string?>("--data") { Description = "Folder with the MNIST IDX files (gzipped or not); default: Keras's cache ~/.keras/datasets." };
var epochsOption = new Option<int>("--epochs") { Description = "Epochs to train.", DefaultValueFactory = _ => 5 };
var seedOption = new Option<int?>("--seed") { Description = "Global random seed (keras.utils.set_random_seed)." };
var batchOption = new Option<int>("--batch-size") { Description = "Batch size.", DefaultValueFactory = _ => 128 };
var backendOption = new Option<string>("--backend") { Description = "cpu, cuda or auto.", DefaultValueFactory = _ => "auto" };
var trainSamplesOption = new Option<int>("--train-samples") { Description = "With only the t10k files: how many of them to train on (the rest are the test set).", DefaultValueFactory = _ => 8000 };

var root = new RootCommand("MNIST rows as timesteps: LSTM 128, Dense 10 softmax; Adam; batch 128.")
{
    dataOption, epochsOption, seedOption, batchOption, backendOption, trainSamplesOption,
};
root.SetAction(parse =>
{
    Backend.Use(parse.GetValue(backendOption)!);
    if (parse.GetValue(seedOption) is int seed) KerasRandom.SetSeed(seed);
    var data = Mnist.LoadForExample(parse.GetValue(dataOption), parse.GetValue(trainSamplesOption), [28, 28], Console.Out, Console.Error);
    if (data is null) return 2;
    var (xTrainFlat, yTrain, xTestFlat, yTest) = data.Value;
    // (samples, 784) → (samples, 28 rows, 28 pixels): row-major, so a reshape.
    var xTrain = xTrainFlat.Reshape(xTrainFlat.Shape[0], 28, 28);
    var xTest = xTestFlat.Reshape(xTestFlat.Shape[0], 28, 28);
    Console.WriteLine($"{xTrain.Shape[0]} train samples");
    Console.WriteLine($"{xTest.Shape[0]} test samples");

    var model = new Sequential();
    model.Add(new LSTM(128) { InputShape = [28, 28] });
    model.Add(new Dense(10, activation: "softmax"));
    model.Summary();

    model.Compile(loss: "categorical_crossentropy", optimizer: new Adam(), metrics: ["accuracy"]);
    model.Fit(xTrain, yTrain, batchSize: parse.GetValue(batchOption), epochs: parse.GetValue(epochsOption), verbose: 1, validationData: (xTest, yTest));
    var score = model.Evaluate(xTest, yTest, verbose: 0);
    Console.WriteLine($"test_loss: {score["loss"]:F4} - test_accuracy: {score["accuracy"]:F4}");
    return 0;
});
return root.Parse(args).Invoke();
