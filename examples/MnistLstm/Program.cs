// MNIST as sequences: each image is read as 28 timesteps (its rows) of 28 pixels by an LSTM of
// 128 units, followed by Dense 10 softmax; categorical cross-entropy, Adam at Keras's defaults.
using DeepNet.Examples;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;

var options = new ExampleOptions(epochs: 5, batchSize: 128);
var mnist = new MnistOptions();
var root = options.Command("MNIST rows as timesteps: LSTM 128, Dense 10 softmax; Adam; batch 128.", mnist.Data, mnist.TrainSamples);
root.SetAction(parse =>
{
    options.Apply(parse);
    var data = mnist.Load(parse, [28, 28]);
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
    model.Fit(xTrain, yTrain, batchSize: parse.GetValue(options.BatchSize), epochs: parse.GetValue(options.Epochs), verbose: 1, validationData: (xTest, yTest));
    var score = model.Evaluate(xTest, yTest, verbose: 0);
    Console.WriteLine($"test_loss: {score["loss"]:F4} - test_accuracy: {score["accuracy"]:F4}");
    return 0;
});
return root.Parse(args).Invoke();
