// Near-literal port of the Keras Sequential snippet from the Keras docs ("getting started"),
// trained on data it generates: 1000 samples of 100 features, 10 classes.
using System.CommandLine;
using DeepNet;
using DeepNet.Examples;
using DeepNet.Keras;
using DeepNet.Keras.Layers;

var options = new ExampleOptions(epochs: 5, batchSize: 32);
var dataOption = new Option<string?>("--data") { Description = "Unused: this example generates its data." };
var trainSamplesOption = new Option<int>("--train-samples") { Description = "Generated training samples.", DefaultValueFactory = _ => 1000 };
var root = options.Command("Keras Sequential snippet: Dense(64, input_dim=100), relu, Dense(10), softmax; SGD; categorical crossentropy.",
    dataOption, trainSamplesOption);
root.SetAction(parse =>
{
    int seed = options.Apply(parse, defaultSeed: 1);
    int n = parse.GetValue(trainSamplesOption);
    var (x, y) = Generate(n, seed);
    var (xTest, yTest) = Generate(Math.Max(n / 5, 1), seed + 1);

    var model = new Sequential();
    model.Add(new Dense(64, inputDim: 100));
    model.Add(new Activation("relu"));
    model.Add(new Dense(10));
    model.Add(new Activation("softmax"));
    model.Compile(loss: "categorical_crossentropy", optimizer: "sgd", metrics: ["accuracy"]);
    model.Fit(x, y, epochs: parse.GetValue(options.Epochs), batchSize: parse.GetValue(options.BatchSize));

    var score = model.Evaluate(xTest, yTest, verbose: 0);
    Console.WriteLine($"test_loss: {score["loss"]:F4} - test_accuracy: {score["accuracy"]:F4}");
    return 0;
});
return root.Parse(args).Invoke();

// Ten Gaussian clusters in 100 dimensions, one per class, so the model has something to learn.
static (Tensor X, Tensor Y) Generate(int n, int seed)
{
    var centres = new Random(12345);
    var centre = new float[10, 100];
    for (int c = 0; c < 10; c++)
        for (int j = 0; j < 100; j++) centre[c, j] = (float)(centres.NextDouble() * 2 - 1);
    var rng = new Random(seed);
    var x = new float[n * 100];
    var y = new float[n * 10];
    for (int i = 0; i < n; i++)
    {
        int label = rng.Next(10);
        y[i * 10 + label] = 1f;
        for (int j = 0; j < 100; j++)
        {
            // Box-Muller normal noise around the class centre.
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            double noise = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            x[i * 100 + j] = centre[label, j] + (float)noise;
        }
    }
    return (Tensor.FromArray(x, new Shape(n, 100)), Tensor.FromArray(y, new Shape(n, 10)));
}
