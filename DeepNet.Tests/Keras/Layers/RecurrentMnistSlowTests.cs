using DeepNet.Keras;
using DeepNet.Keras.Datasets;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Utils;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>
/// examples/MnistLstm's model trained as the example does, on the shared MNIST split (first 8000
/// t10k images train, last 2000 test): 28 rows as timesteps → LSTM 128 → Dense 10 softmax,
/// categorical cross-entropy, Adam defaults, batch 128, 5 epochs. Several minutes on 2 cores.
/// </summary>
[Category("Slow")]
public class RecurrentMnistSlowTests
{
    [Test]
    public void MnistLstm_FiveEpochs_ReachesTestAccuracy092()
    {
        var dir = TestPaths.SharedFile("datasets", "mnist");
        if (!File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte.gz")) && !File.Exists(Path.Combine(dir, "t10k-images-idx3-ubyte")))
            Assert.Ignore($"MNIST t10k files not found in {dir}.");
        var t10k = Mnist.LoadTestOnly(dir);
        const int train = 8000;
        int test = t10k.Count - train;
        var xTrain = Tensor.FromArray(Mnist.ToFloatRows(t10k, 0, train), new Shape(train, 28, 28));
        var yTrain = Tensor.FromArray(Mnist.ToOneHot(t10k, 0, train), new Shape(train, 10));
        var xTest = Tensor.FromArray(Mnist.ToFloatRows(t10k, train, test), new Shape(test, 28, 28));
        var yTest = Tensor.FromArray(Mnist.ToOneHot(t10k, train, test), new Shape(test, 10));

        KerasRandom.SetSeed(1);
        var model = new Sequential();
        model.Add(new LSTM(128) { InputShape = [28, 28] });
        model.Add(new Dense(10, activation: "softmax"));
        model.Compile(loss: "categorical_crossentropy", optimizer: new Adam(), metrics: ["accuracy"]);
        model.Fit(xTrain, yTrain, batchSize: 128, epochs: 5, verbose: 0);
        var score = model.Evaluate(xTest, yTest, verbose: 0);
        TestContext.Out.WriteLine($"test_loss: {score["loss"]:F4} - test_accuracy: {score["accuracy"]:F4}");
        Assert.That(score["accuracy"], Is.GreaterThanOrEqualTo(0.92));
    }
}
