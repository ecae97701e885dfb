// Port of Keras's examples/mnist_cnn.py: trains a simple convnet on MNIST.
// Keras's script gets to about 99.25% test accuracy after 12 epochs on the full 60k training set.
// The 2017 script used Adadelta(lr=1.0); Adadelta's default learning rate is now 0.001, which barely
// trains this model, so the port uses Adam at Keras's defaults (as the W2 benchmark does).
using DeepNet.Examples;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;

var options = new ExampleOptions(epochs: 12, batchSize: 128, kerasDefaults: true);
var mnist = new MnistOptions();
var root = options.Command("Keras mnist_cnn: Conv2D 32 3×3 relu, Conv2D 64 3×3 relu, MaxPooling2D 2×2, Dropout 0.25, Flatten, Dense 128 relu, Dropout 0.5, Dense 10 softmax; Adam; batch 128.",
    mnist.Data, mnist.TrainSamples);
root.SetAction(parse =>
{
    options.Apply(parse);
    var data = mnist.Load(parse, [28, 28, 1]);
    if (data is null) return 2;
    var (xTrain, yTrain, xTest, yTest) = data.Value;
    Console.WriteLine($"x_train shape: {xTrain.Shape}");
    Console.WriteLine($"{xTrain.Shape[0]} train samples");
    Console.WriteLine($"{xTest.Shape[0]} test samples");

    var model = new Sequential();
    model.Add(new Conv2D(32, kernelSize: [3, 3], activation: "relu") { InputShape = [28, 28, 1] });
    model.Add(new Conv2D(64, [3, 3], activation: "relu"));
    model.Add(new MaxPooling2D(poolSize: [2, 2]));
    model.Add(new Dropout(0.25f));
    model.Add(new Flatten());
    model.Add(new Dense(128, activation: "relu"));
    model.Add(new Dropout(0.5f));
    model.Add(new Dense(10, activation: "softmax"));
    model.Summary();

    model.Compile(loss: "categorical_crossentropy", optimizer: new Adam(), metrics: ["accuracy"]);
    model.Fit(xTrain, yTrain, batchSize: parse.GetValue(options.BatchSize), epochs: parse.GetValue(options.Epochs), verbose: 1, validationData: (xTest, yTest));
    var score = model.Evaluate(xTest, yTest, verbose: 0);
    Console.WriteLine($"test_loss: {score["loss"]:F4} - test_accuracy: {score["accuracy"]:F4}");
    return 0;
});
return root.Parse(args).Invoke();
