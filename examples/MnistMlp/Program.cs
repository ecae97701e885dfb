// Port of Keras's examples/mnist_mlp.py: trains a simple deep multi-layer perceptron on MNIST.
// Keras reaches about 98.40% test accuracy after 20 epochs on the full 60k training set.
using System.CommandLine;
using DeepNet;
using DeepNet.Backends;
using DeepNet.Keras;
using DeepNet.Keras.Datasets;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Utils;

var dataOption = new Option<string?>("--data") { Description = "Folder with the MNIST IDX files (gzipped or not); default: Keras's cache ~/.keras/datasets." };
var epochsOption = new Option<int>("--epochs") { Description = "Epochs to train (Keras example: 20).", DefaultValueFactory = _ => 20 };
var seedOption = new Option<int?>("--seed") { Description = "Global random seed (keras.utils.set_random_seed)." };
var batchOption = new Option<int>("--batch-size") { Description = "Batch size (Keras example: 128).", DefaultValueFactory = _ => 128 };
var backendOption = new Option<string>("--backend") { Description = "cpu, cuda or auto.", DefaultValueFactory = _ => "auto" };
var trainSamplesOption = new Option<int>("--train-samples") { Description = "With only the t10k files: how many of them to train on (the rest are the test set).", DefaultValueFactory = _ => 8000 };

var root = new RootCommand("Keras mnist_mlp: Dense 512 relu, Dropout 0.2, Dense 512 relu, Dropout 0.2, Dense 10 softmax; RMSprop; batch 128.")
{
    dataOption, epochsOption, seedOption, batchOption, backendOption, trainSamplesOption,
};
root.SetAction(parse =>
{
    Backend.Use(parse.GetValue(backendOption)!);
    if (parse.GetValue(seedOption) is int seed) KerasRandom.SetSeed(seed);
    var data = Mnist.LoadForExample(parse.GetValue(dataOption), parse.GetValue(trainSamplesOption), [784], Console.Out, Console.Error);
    if (data is null) return 2;
    var (xTrain, yTrain, xTest, yTest) = data.Value;
    Console.WriteLine($"{xTrain.Shape[0]} train samples");
    Console.WriteLine($"{xTest.Shape[0]} test samples");

    var model = new Sequential();
    model.Add(new Dense(512, activation: "relu") { InputShape = [784] });
    model.Add(new Dropout(0.2f));
    model.Add(new Dense(512, activation: "relu"));
    model.Add(new Dropout(0.2f));
    model.Add(new Dense(10, activation: "softmax"));
    model.Summary();

    model.Compile(loss: "categorical_crossentropy", optimizer: new RMSprop(), metrics: ["accuracy"]);
    model.Fit(xTrain, yTrain, batchSize: parse.GetValue(batchOption), epochs: parse.GetValue(epochsOption), verbose: 1, validationData: (xTest, yTest));
    var score = model.Evaluate(xTest, yTest, verbose: 0);
    Console.WriteLine($"test_loss: {score["loss"]:F4} - test_accuracy: {score["accuracy"]:F4}");
    return 0;
});
return root.Parse(args).Invoke();
