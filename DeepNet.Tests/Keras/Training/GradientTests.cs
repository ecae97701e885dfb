using DeepNet.Autograd;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Keras.Utils;
using DeepNet.Memory;

namespace DeepNet.Tests.Keras.Training;

public class GradientTests
{
    /// <summary>
    /// The gradient the training step takes (model forward + compiled loss, through the tape)
    /// against central finite differences of the same loss, for every weight of a small MLP.
    /// </summary>
    [Test]
    public void MlpWithSoftmaxCrossentropy_TapeGradients_MatchFiniteDifferences()
    {
        KerasSession.ClearSession();
        KerasRandom.SetSeed(5);
        var model = new Sequential([new Dense(5, activation: "tanh", inputDim: 6), new Dense(3, activation: "softmax")]);
        var loss = DeepNet.Keras.Losses.Losses.Get("categorical_crossentropy");
        using var x = KerasTestUtil.Random(3, 4, 6);
        using var y = Tensor.FromArray(new float[] { 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0 }, new Shape(4, 3));

        double Loss()
        {
            using var scope = TensorScope.Begin();
            return loss.Call(y, model.Apply(x, training: true)).ToScalar();
        }

        float[][] grads;
        using (var scope = TensorScope.Begin())
        using (var tape = new GradientTape())
        {
            var value = loss.Call(y, model.Apply(x, training: true));
            grads = tape.Gradient(value, model.TrainableWeights.Select(v => v.Value).ToArray()).Select(g => g.ToArray()).ToArray();
        }

        var weights = model.TrainableWeights;
        for (int w = 0; w < weights.Count; w++)
        {
            var values = weights[w].ToArray();
            for (int i = 0; i < values.Length; i++)
            {
                const float h = 1e-2f;
                float keep = values[i];
                values[i] = keep + h;
                weights[w].Assign(values);
                double plus = Loss();
                values[i] = keep - h;
                weights[w].Assign(values);
                double minus = Loss();
                values[i] = keep;
                weights[w].Assign(values);
                double numeric = (plus - minus) / (2 * h);
                Assert.That(grads[w][i], Is.EqualTo(numeric).Within(2e-3 + 2e-2 * Math.Abs(numeric)), $"weight {weights[w].Path}[{i}]");
            }
        }
    }
}
