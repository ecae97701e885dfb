// Port of Keras's examples/mnist_mlp.py: trains a simple deep multi-layer perceptron on MNIST.
// Keras reaches about 98.40% test accuracy after 20 epochs on the full 60k training set.
using DeepNet.Examples;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;

var options = new ExampleOptions(epochs: 20, batchSize: 128, kerasDefaults: true);
var mnist = new MnistOptions();
var root = options.Command("Keras mnist_mlp: Dense 512 relu, Dropout 0.2, Dense 512 relu, Dropout 0.2, Dense 10 softmax; RMSprop; batch 128.",
    mnist.Data, mnist.TrainSamples);
root.SetAction(parse =>
{
    options.Apply(parse);
    var data = mnist.Load(parse, [784]);
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
    model.Fit(xTrain, yTrain, batchSize: parse.GetValue(options.BatchSize), epochs: parse.GetValue(options.Epochs), verbose: 1, validationData: (xTest, yTest));
    var score = model.Evaluate(xTest, yTest, verbose: 0);
    Console.WriteLine($"test_loss: {score["loss"]:F4} - test_accuracy: {score["accuracy"]:F4}");
    return 0;
});
return root.Parse(args).Invoke();
