using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Optimizers;
using DeepNet.Keras.Utils;
using DeepNet.Tests.Keras.Datasets;

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
        var (xTrain, yTrain, xTest, yTest) = SharedMnistSplit.Load(28, 28);

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
