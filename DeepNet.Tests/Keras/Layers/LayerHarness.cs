using DeepNet.Keras;
using DeepNet.Keras.Engine;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>
/// One test run per layer (after Keras's run_layer_test): config round trip compared as JSON,
/// envelope serialize/deserialize, build and weight counts, symbolic output shape, eager output
/// shape, and one training step of a model made of the layer.
/// </summary>
internal static class LayerHarness
{
    /// <param name="make">Makes a fresh layer.</param>
    /// <param name="inputShapes">Each input's shape with the batch.</param>
    /// <param name="expectedOutputShape">Output shape for those inputs (batch included).</param>
    public static void Run(Func<Layer> make, int[][] inputShapes, int[] expectedOutputShape,
        int expectedTrainableWeights = 0, int expectedNonTrainableWeights = 0, bool fitStep = true)
    {
        // Config round trip, compared as JSON.
        var layer = make();
        var config = layer.GetConfig();
        var clone = Layer.FromConfig(layer.ClassName, config);
        Assert.That(JToken.DeepEquals(clone.GetConfig(), config), Is.True,
            $"config round trip differs:\n{config}\nvs\n{clone.GetConfig()}");
        Assert.That(clone.GetType(), Is.EqualTo(layer.GetType()));
        var envelope = layer.Serialize();
        Assert.That(envelope.Value<string>("class_name"), Is.EqualTo(layer.ClassName));
        Assert.That(LayerRegistry.Deserialize(envelope).GetType(), Is.EqualTo(layer.GetType()));

        // Build and weights.
        var built = make();
        built.EnsureBuilt(inputShapes.Select(s => KerasShape.Of(new Shape(s))).ToArray());
        Assert.That(built.Built, Is.True);
        Assert.That(built.TrainableWeights, Has.Count.EqualTo(expectedTrainableWeights), "trainable weights");
        Assert.That(built.NonTrainableWeights, Has.Count.EqualTo(expectedNonTrainableWeights), "non-trainable weights");

        // Symbolic call.
        var symbolic = make();
        var inputs = inputShapes.Select(s => KerasApi.Input(s[1..])).ToArray();
        var output = inputs.Length == 1 ? symbolic.Apply(inputs[0]) : symbolic.Apply(inputs);
        Assert.That(output.Shape, Is.EqualTo(new KerasShape([null, .. expectedOutputShape[1..].Select(d => (int?)d)])), "symbolic output shape");

        // Eager call.
        var eager = make();
        var xs = inputShapes.Select((s, i) => KerasTestUtil.Random(100 + i, s)).ToArray();
        var y = eager.Apply(xs, training: false);
        Assert.That(y.Shape, Is.EqualTo(new Shape(expectedOutputShape)), "eager output shape");

        if (!fitStep) return;
        // One training step of Input → layer.
        var model = new Model(inputs, [output]);
        model.Compile(optimizer: "sgd", loss: "mse");
        var target = Tensor.Zeros(new Shape(expectedOutputShape));
        var logs = model.TrainOnBatch(xs, [target]);
        Assert.That(double.IsFinite(logs["loss"]), Is.True, $"loss after one step: {logs["loss"]}");
    }

    public static void Run(Func<Layer> make, int[] inputShape, int[] expectedOutputShape,
        int expectedTrainableWeights = 0, int expectedNonTrainableWeights = 0, bool fitStep = true) =>
        Run(make, [inputShape], expectedOutputShape, expectedTrainableWeights, expectedNonTrainableWeights, fitStep);
}
