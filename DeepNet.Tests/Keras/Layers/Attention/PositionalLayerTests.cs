using DeepNet.Autograd;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>keras_hub's PositionEmbedding, SinePositionEncoding, TokenAndPositionEmbedding and ReversibleEmbedding.</summary>
public class PositionalLayerTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    [Test]
    public void PositionEmbedding_ReturnsTableRowsBroadcastAndSumsGradientsOverTheBatch()
    {
        var layer = new PositionEmbedding(sequenceLength: 6);
        var x = KerasTestUtil.Random(1, 2, 4, 3);
        layer.EnsureBuilt(KerasShape.Of(x.Shape));
        Assert.That(layer.Weights.Single().Shape, Is.EqualTo(new Shape(6, 3)));
        var table = KerasTestUtil.RandomArray(2, 18);
        layer.SetWeights([table]);
        var coef = KerasTestUtil.RandomArray(3, 24);
        Tensor grad;
        Tensor y;
        using (var tape = new GradientTape())
        {
            y = layer.Call(x, startIndex: 1);
            var loss = Ops.Sum(Ops.Multiply(y, Tensor.FromArray(coef, new Shape(2, 4, 3))));
            grad = tape.Gradient(loss, layer.Weights[0].Value)[0];
        }
        var expected = new double[24];
        var expectedGrad = new double[18];
        for (int b = 0; b < 2; b++)
        {
            for (int p = 0; p < 4; p++)
            {
                for (int f = 0; f < 3; f++)
                {
                    expected[(b * 4 + p) * 3 + f] = table[(p + 1) * 3 + f];
                    expectedGrad[(p + 1) * 3 + f] += coef[(b * 4 + p) * 3 + f];
                }
            }
        }
        KerasTestUtil.AssertClose(y.ToArray(), expected, 0, 0);
        KerasTestUtil.AssertClose(grad.ToArray(), expectedGrad, 1e-6, 1e-6);
        var ex = Assert.Throws<ShapeMismatchException>(() => layer.Call(KerasTestUtil.Random(1, 2, 7, 3)));
        Assert.That(ex!.Message, Does.Contain("sequence_length=6"));
    }

    [Test]
    public void SinePositionEncoding_MatchesTheTransformerFormula()
    {
        const int length = 7, hidden = 6;
        var y = new SinePositionEncoding().Call(Tensor.Zeros(new Shape(2, length, hidden)), startIndex: 2);
        var expected = new double[2 * length * hidden];
        for (int b = 0; b < 2; b++)
        {
            for (int p = 0; p < length; p++)
            {
                for (int j = 0; j < hidden; j++)
                {
                    // PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d)).
                    double angle = (p + 2) / Math.Pow(10000, 2 * (j / 2) / (double)hidden);
                    expected[(b * length + p) * hidden + j] = j % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
                }
            }
        }
        KerasTestUtil.AssertClose(y.ToArray(), expected, 1e-5, 1e-5);
        var config = new SinePositionEncoding().GetConfig();
        Assert.That(config["max_wavelength"]!.Type, Is.EqualTo(JTokenType.Integer));
        Assert.That(config.Value<int>("max_wavelength"), Is.EqualTo(10000));
    }

    [Test]
    public void TokenAndPositionEmbedding_SumsTokenAndPositionRowsWithKerasHubWeights()
    {
        var layer = new TokenAndPositionEmbedding(vocabularySize: 7, sequenceLength: 5, embeddingDim: 3, maskZero: true);
        var ids = Tensor.FromArray(new float[] { 3, 1, 0, 6, 2, 0, 0, 0 }, new Shape(2, 4));
        layer.EnsureBuilt(KerasShape.Of(ids.Shape));
        Assert.That(layer.Weights.Select(w => w.Path), Is.EqualTo(new[] { "token_embedding/embeddings", "position_embedding/embeddings" }));
        Assert.That(layer.Weights.Select(w => w.Shape), Is.EqualTo(new[] { new Shape(7, 3), new Shape(5, 3) }));
        var tokens = KerasTestUtil.RandomArray(1, 21);
        var positions = KerasTestUtil.RandomArray(2, 15);
        layer.SetWeights([tokens, positions]);
        var y = layer.Apply(ids);
        var idArray = ids.ToArray();
        var expected = new double[2 * 4 * 3];
        for (int b = 0; b < 2; b++)
            for (int p = 0; p < 4; p++)
                for (int f = 0; f < 3; f++)
                    expected[(b * 4 + p) * 3 + f] = (double)tokens[(int)idArray[b * 4 + p] * 3 + f] + positions[p * 3 + f];
        KerasTestUtil.AssertClose(y.ToArray(), expected, 1e-6, 1e-6);
        Assert.That(layer.ComputeMask(ids, null)!.ToArray(), Is.EqualTo(new float[] { 1, 1, 0, 1, 1, 0, 0, 0 }));
        Assert.That(new TokenAndPositionEmbedding(7, 5, 3).ComputeMask(ids, null), Is.Null);
    }

    [Test]
    public void TokenAndPositionEmbedding_UntiedWeights_AddReverseEmbeddingsInKerasOrder()
    {
        var layer = new TokenAndPositionEmbedding(9, 4, 2, tieWeights: false);
        layer.EnsureBuilt(new KerasShape(null, 4));
        Assert.That(layer.Weights.Select(w => w.Path), Is.EqualTo(new[]
        {
            "token_embedding/embeddings", "token_embedding/reverse_embeddings", "position_embedding/embeddings",
        }));
        Assert.That(layer.Weights[1].Shape, Is.EqualTo(new Shape(2, 9)));
    }

    [Test]
    public void TokenAndPositionEmbedding_DefaultConfig_IsKerasHubs()
    {
        var config = new TokenAndPositionEmbedding(100, 16, 8).GetConfig();
        Assert.That(config.Properties().Select(p => p.Name), Is.EqualTo(new[]
        {
            "name", "trainable", "dtype", "vocabulary_size", "sequence_length", "embedding_dim", "embeddings_initializer", "tie_weights", "mask_zero",
        }));
        var init = config["embeddings_initializer"]!;
        Assert.That(init.Value<string>("class_name"), Is.EqualTo("RandomUniform"));
        Assert.That(init["config"]!.Value<double>("minval"), Is.EqualTo(-0.05));
        Assert.That(init["config"]!.Value<double>("maxval"), Is.EqualTo(0.05));
        Assert.That(config.Value<bool>("tie_weights"), Is.True);
        Assert.That(config.Value<bool>("mask_zero"), Is.False);
        var position = new PositionEmbedding(16).GetConfig();
        Assert.That(position.Properties().Select(p => p.Name), Is.EqualTo(new[] { "name", "trainable", "dtype", "sequence_length", "initializer" }));
        Assert.That(position["initializer"]!.Value<string>("class_name"), Is.EqualTo("GlorotUniform"));
    }

    [Test]
    public void ReversibleEmbedding_Reverse_IsTheTransposedTableWithSoftCap()
    {
        var layer = new ReversibleEmbedding(5, 3, logitSoftCap: 2f);
        layer.EnsureBuilt(new KerasShape(null, 4));
        var table = KerasTestUtil.RandomArray(4, 15);
        layer.SetWeights([table]);
        var h = KerasTestUtil.Random(5, 2, 3);
        var logits = layer.Reverse(h);
        Assert.That(logits.Shape, Is.EqualTo(new Shape(2, 5)));
        var hv = h.ToArray();
        var expected = new double[10];
        for (int r = 0; r < 2; r++)
        {
            for (int v = 0; v < 5; v++)
            {
                double dot = 0;
                for (int f = 0; f < 3; f++) dot += (double)hv[r * 3 + f] * table[v * 3 + f];
                expected[r * 5 + v] = 2 * Math.Tanh(dot / 2);
            }
        }
        KerasTestUtil.AssertClose(logits.ToArray(), expected, 1e-6, 1e-5);
    }

    [Test]
    public void PositionalLayers_Harness_RoundTripAndTrain()
    {
        LayerHarness.Run(() => new PositionEmbedding(8), [2, 5, 3], [2, 5, 3], expectedTrainableWeights: 1);
        LayerHarness.Run(() => new SinePositionEncoding(maxWavelength: 500), [2, 5, 4], [2, 5, 4], fitStep: false);
        LayerHarness.Run(() => new ReversibleEmbedding(10, 3, tieWeights: false), [2, 5], [2, 5, 3], expectedTrainableWeights: 2, fitStep: false);
        LayerHarness.Run(() => new TokenAndPositionEmbedding(10, 6, 4, maskZero: true), [2, 5], [2, 5, 4], expectedTrainableWeights: 2, fitStep: false);
    }
}
