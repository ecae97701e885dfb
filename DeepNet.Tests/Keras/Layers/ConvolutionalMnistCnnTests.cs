using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Utils;
using DeepNet.Tests.Keras.Datasets;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>
/// The examples/MnistCnn model (Keras's mnist_cnn with Adam at its defaults) trained 3 epochs on
/// the shared split: the first 8000 t10k images train, the last 2000 test. The same model trained
/// the Keras way in another framework reaches 0.977–0.983 over three seeds.
/// </summary>
[Category("Slow")]
public class ConvolutionalMnistCnnTests
{
    [Test]
    public void MnistCnn_ThreeEpochs_ReachesTestAccuracy097()
    {
        var (xTrain, yTrain, xTest, yTest) = SharedMnistSplit.Load(28, 28, 1);
        KerasSession.ClearSession();
        KerasRandom.SetSeed(1);

        var model = new Sequential();
        model.Add(new Conv2D(32, [3, 3], activation: "relu") { InputShape = [28, 28, 1] });
        model.Add(new Conv2D(64, [3, 3], activation: "relu"));
        model.Add(new MaxPooling2D([2, 2]));
        model.Add(new Dropout(0.25f));
        model.Add(new Flatten());
        model.Add(new Dense(128, activation: "relu"));
        model.Add(new Dropout(0.5f));
        model.Add(new Dense(10, activation: "softmax"));
        model.Compile(loss: "categorical_crossentropy", optimizer: new Adam(), metrics: ["accuracy"]);
        model.Fit(xTrain, yTrain, batchSize: 128, epochs: 3, verbose: 0);
        var score = model.Evaluate(xTest, yTest, verbose: 0);
        TestContext.Out.WriteLine($"test_loss: {score["loss"]:F4} - test_accuracy: {score["accuracy"]:F4}");
        Assert.That(score["accuracy"], Is.GreaterThanOrEqualTo(0.97));
    }
}
