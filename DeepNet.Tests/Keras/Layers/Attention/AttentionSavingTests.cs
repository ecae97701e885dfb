using DeepNet.Keras;
using DeepNet.Keras.Layers;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>A small Transformer encoder with the attention layers through DeepNet's own files and configs.</summary>
public class AttentionSavingTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    private static Model Encoder()
    {
        var inputs = KerasApi.Input([6]);
        var x = new TokenAndPositionEmbedding(12, 6, 8, maskZero: true).Apply(inputs);
        var a = new MultiHeadAttention(2, 4, dropout: 0.1f).Apply(x, x);
        x = new LayerNormalization().Apply(new Add().Apply(x, a));
        var b = new AdditiveAttention().Apply(x, x);
        var c = new DeepNet.Keras.Layers.Attention(useScale: true, scoreMode: "concat").Apply(x, b);
        x = new Add().Apply(new SinePositionEncoding().Apply(c), c);
        x = new GlobalAveragePooling1D().Apply(x);
        return new Model([inputs], [new Dense(3, activation: "softmax").Apply(x)]);
    }

    private static readonly Tensor Ids = Tensor.FromArray(new float[] { 3, 1, 4, 0, 0, 0, 9, 2, 6, 5, 3, 5 }, new Shape(2, 6));

    [TestCase(".keras")]
    [TestCase(".h5")]
    public void AttentionEncoder_SavedAndLoaded_GivesTheSameOutputs(string extension)
    {
        var model = Encoder();
        var expected = model.Apply(Ids).ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"deepnet_attention_{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            var loaded = DeepNet.Keras.Models.LoadModel(path);
            Assert.That(loaded.Weights.Select(w => w.Shape), Is.EqualTo(model.Weights.Select(w => w.Shape)));
            Assert.That(loaded.Apply(Ids).ToArray(), Is.EqualTo(expected).Within(1e-6f));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
