using DeepNet.Autograd;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Tests.Keras.Layers;

public class EmbeddingTests
{
    private static Embedding Built(int inputDim, int outputDim, bool maskZero = false)
    {
        var layer = new Embedding(inputDim, outputDim, maskZero: maskZero);
        layer.EnsureBuilt(new KerasShape(null, 3));
        return layer;
    }

    [TestCase(DType.Int32)]
    [TestCase(DType.Int64)]
    [TestCase(DType.Float32)]
    public void Embedding_Forward_GathersRows(DType dtype)
    {
        var layer = Built(7, 3);
        var table = layer.Embeddings!.ToArray();
        int[] indices = [6, 0, 2, 2, 5, 1];
        var x = dtype switch
        {
            DType.Int32 => Tensor.FromArray(indices, new Shape(2, 3)),
            DType.Int64 => Tensor.FromArray(indices.Select(i => (long)i).ToArray(), new Shape(2, 3)),
            _ => Tensor.FromArray(indices.Select(i => (float)i).ToArray(), new Shape(2, 3)),
        };
        var y = layer.Apply(x);
        Assert.That(y.Shape, Is.EqualTo(new Shape(2, 3, 3)));
        var expected = indices.SelectMany(i => table.Skip(i * 3).Take(3)).ToArray();
        KerasTestUtil.AssertClose(y.ToArray(), expected, 0, 0);
    }

    [Test]
    public void Embedding_Gradient_AccumulatesRepeatedIndices()
    {
        var layer = Built(5, 2);
        var x = Tensor.FromArray(new float[] { 1, 3, 1, 0, 1, 4 }, new Shape(2, 3));
        var coef = KerasTestUtil.RandomArray(3, 12);
        Tensor grad;
        using (var tape = new GradientTape())
        {
            var y = layer.Apply(x);
            var loss = DeepNet.Ops.Sum(DeepNet.Ops.Multiply(y, Tensor.FromArray(coef, y.Shape)));
            grad = tape.Gradient(loss, layer.Embeddings!.Value)[0];
        }
        var expected = new double[10];
        float[] idx = [1, 3, 1, 0, 1, 4];
        for (int p = 0; p < idx.Length; p++)
            for (int j = 0; j < 2; j++) expected[(int)idx[p] * 2 + j] += coef[p * 2 + j];
        KerasTestUtil.AssertClose(grad.ToArray(), expected, 1e-6, 1e-6);
    }

    [Test]
    public void Embedding_ComputeMask_IsZeroAtIndexZeroOnlyWithMaskZero()
    {
        var x = Tensor.FromArray(new float[] { 0, 3, 1, 0, 0, 4 }, new Shape(2, 3));
        Assert.That(Built(5, 2, maskZero: true).ComputeMask(x, null)!.ToArray(), Is.EqualTo(new float[] { 0, 1, 1, 0, 0, 1 }));
        Assert.That(Built(5, 2).ComputeMask(x, null), Is.Null);
        var ints = Tensor.FromArray(new[] { 0, 2, 0 }, new Shape(1, 3));
        Assert.That(Built(5, 2, maskZero: true).ComputeMask(ints, null)!.ToArray(), Is.EqualTo(new float[] { 0, 1, 0 }));
    }

    [Test]
    public void Embedding_DefaultConfig_IsKeras3Default()
    {
        var config = new Embedding(100, 8).GetConfig();
        Assert.That(config.Properties().Select(p => p.Name), Is.EquivalentTo(new[]
        {
            "name", "trainable", "dtype", "input_dim", "output_dim", "embeddings_initializer", "embeddings_regularizer",
            "activity_regularizer", "embeddings_constraint", "mask_zero", "quantization_config",
        }));
        Assert.That(config.Value<string>("name"), Does.StartWith("embedding"));
        Assert.That(config["embeddings_initializer"]!.Value<string>("class_name"), Is.EqualTo("RandomUniform"));
        Assert.That(config["embeddings_initializer"]!["config"]!.Value<double>("minval"), Is.EqualTo(-0.05));
        Assert.That(config["embeddings_initializer"]!["config"]!.Value<double>("maxval"), Is.EqualTo(0.05));
        Assert.That(config.Value<bool>("mask_zero"), Is.False);
        foreach (var key in new[] { "embeddings_regularizer", "activity_regularizer", "embeddings_constraint", "quantization_config" })
            Assert.That(config[key]!.Type, Is.EqualTo(JTokenType.Null), key);
    }

    [Test]
    public void Embedding_Keras2ConfigWithInputLength_IsReadAndRoundTrips()
    {
        var json = JObject.Parse("""
        {"name": "embedding", "trainable": true, "dtype": "float32", "batch_input_shape": [null, 12],
         "input_dim": 20000, "output_dim": 128,
         "embeddings_initializer": {"class_name": "RandomUniform", "config": {"minval": -0.05, "maxval": 0.05, "seed": null}},
         "embeddings_regularizer": null, "activity_regularizer": null, "embeddings_constraint": null,
         "mask_zero": true, "input_length": 12}
        """);
        var layer = (Embedding)Layer.FromConfig("Embedding", json);
        Assert.That(layer.InputLength, Is.EqualTo(12));
        Assert.That(layer.MaskZero, Is.True);
        Assert.That(layer.InputShape, Is.EqualTo(new[] { 12 }));
        var config = layer.GetConfig();
        Assert.That(JToken.DeepEquals(Layer.FromConfig("Embedding", config).GetConfig(), config), Is.True);
        var noShape = (JObject)json.DeepClone();
        noShape.Remove("batch_input_shape");
        Assert.That(((Embedding)Layer.FromConfig("Embedding", noShape)).InputShape, Is.EqualTo(new[] { 12 }));
    }

    [Test]
    public void Embedding_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(3, -1));
    }
}
