using DeepNet.Keras;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Models;

/// <summary>A Sequential's weights follow its layers (Keras order), however its input shape became known.</summary>
public class SequentialWeightOrderTests
{
    [Test]
    public void Weights_FirstLayerWithInputShape_ComeInLayerOrder()
    {
        var model = new Sequential();
        model.Add(new Dense(3) { InputShape = [2] });
        model.Add(new Dense(4));
        model.Add(new Dense(5));
        Assert.That(model.Weights.Select(w => w.Shape), Is.EqualTo(new[]
        {
            new Shape(2, 3), new Shape(3), new Shape(3, 4), new Shape(4), new Shape(4, 5), new Shape(5),
        }));
    }

    [Test]
    public void Weights_BuiltOnFirstCall_ComeInLayerOrder()
    {
        var model = new Sequential([new Dense(3), new Dense(4)]);
        model.Apply(Tensor.Zeros(new Shape(1, 2), DType.Float32));
        Assert.That(model.Weights.Select(w => w.Shape), Is.EqualTo(new[] { new Shape(2, 3), new Shape(3), new Shape(3, 4), new Shape(4) }));
    }
}
