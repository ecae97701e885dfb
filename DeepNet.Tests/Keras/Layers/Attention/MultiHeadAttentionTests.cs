using DeepNet.Autograd;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;
using static DeepNet.Tests.Keras.Layers.AttentionReference;

namespace DeepNet.Tests.Keras.Layers;

public class MultiHeadAttentionTests
{
    [SetUp]
    public void ClearSession() => KerasSession.ClearSession();

    private static double[] RandomDoubles(int seed, int n, double scale = 1)
    {
        var rng = new Random(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (rng.NextDouble() * 2 - 1) * scale;
        return v;
    }

    private static float[] ToFloat(double[] v) => v.Select(d => (float)d).ToArray();

    private static Tensor T(double[] v, params int[] shape) => Tensor.FromArray(ToFloat(v), new Shape(shape));

    // Sizes shared by the numeric tests: B=2, T=3, S=4, heads=2, key_dim=3, value_dim=2.
    private const int B = 2, Tq = 3, S = 4, Heads = 2, KeyDim = 3, ValueDim = 2, Dq = 5, Dv = 4, Dk = 3;

    private static MhaWeights RandomWeights(int dk, int dout) => new(
        RandomDoubles(11, Dq * Heads * KeyDim, 0.5), RandomDoubles(12, Heads * KeyDim, 0.2),
        RandomDoubles(13, dk * Heads * KeyDim, 0.5), RandomDoubles(14, Heads * KeyDim, 0.2),
        RandomDoubles(15, Dv * Heads * ValueDim, 0.5), RandomDoubles(16, Heads * ValueDim, 0.2),
        RandomDoubles(17, Heads * ValueDim * dout, 0.5), RandomDoubles(18, dout, 0.2));

    private static double[][] Flat(MhaWeights w) => [w.Wq, w.Bq, w.Wk, w.Bk, w.Wv, w.Bv, w.Wo, w.Bo];

    private static MhaWeights FromFlat(double[][] a) => new(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);

    /// <summary>0/1 masks with one fully masked query row and some masked keys; AND of everything given.</summary>
    private static double[]? CombinedMask(double[]? queryMask, double[]? valueMask, bool causal, double[]? attentionMask)
    {
        if (queryMask is null && valueMask is null && !causal && attentionMask is null) return null;
        var m = new double[B * Tq * S];
        for (int b = 0; b < B; b++)
        {
            for (int i = 0; i < Tq; i++)
            {
                for (int j = 0; j < S; j++)
                {
                    bool keep = (queryMask?[b * Tq + i] ?? 1) != 0 && (valueMask?[b * S + j] ?? 1) != 0
                        && (!causal || j <= i) && (attentionMask?[(b * Tq + i) * S + j] ?? 1) != 0;
                    m[(b * Tq + i) * S + j] = keep ? 1 : 0;
                }
            }
        }
        return m;
    }

    [TestCase(false, false, false, false)]
    [TestCase(true, false, false, false)]
    [TestCase(false, true, false, false)]
    [TestCase(true, true, true, false)]
    [TestCase(false, false, true, true)]
    [TestCase(true, true, false, true)]
    public void MultiHeadAttention_ForwardAndGradients_MatchFloat64Reference(bool separateKey, bool paddingMasks, bool causal, bool explicitMask)
    {
        int dk = separateKey ? Dk : Dv;
        const int dout = Dq;
        var q = RandomDoubles(1, B * Tq * Dq);
        var v = RandomDoubles(2, B * S * Dv);
        var k = separateKey ? RandomDoubles(3, B * S * dk) : v;
        var w = RandomWeights(dk, dout);
        // Row 1 of the queries is fully masked in batch 1 (Keras then spreads it evenly); keys 0 and 3 masked in batch 0.
        double[]? queryMask = paddingMasks ? [1, 1, 1, 1, 0, 1] : null;
        double[]? valueMask = paddingMasks ? [0, 1, 1, 0, 1, 1, 1, 1] : null;
        double[]? attention = explicitMask ? RandomDoubles(4, B * Tq * S).Select(x => x > -0.5 ? 1.0 : 0.0).ToArray() : null;
        var mask = CombinedMask(queryMask, valueMask, causal, attention);
        var coef = RandomDoubles(5, B * Tq * dout);
        var scoreCoef = RandomDoubles(6, B * Heads * Tq * S);

        double Loss(double[] qv, double[] vv, double[] kv, MhaWeights wv)
        {
            var (o, p) = MultiHead(qv, vv, separateKey ? kv : vv, wv, B, Tq, S, Dq, Dv, dk, Heads, KeyDim, ValueDim, dout, mask);
            double loss = 0;
            for (int i = 0; i < o.Length; i++) loss += coef[i] * o[i];
            for (int i = 0; i < p.Length; i++) loss += scoreCoef[i] * p[i];
            return loss;
        }

        var layer = new MultiHeadAttention(Heads, KeyDim, ValueDim);
        var qt = T(q, B, Tq, Dq);
        var vt = T(v, B, S, Dv);
        var kt = separateKey ? T(k, B, S, dk) : null;
        layer.Build(KerasShape.Of(qt.Shape), KerasShape.Of(vt.Shape), kt is null ? null : KerasShape.Of(kt.Shape));
        layer.SetWeights(Flat(w).Select(ToFloat).ToArray());

        Tensor[] grads;
        using (var tape = new GradientTape())
        {
            var (output, scores) = layer.CallWithAttentionScores(qt, vt, kt,
                attentionMask: attention is null ? null : T(attention, B, Tq, S), useCausalMask: causal,
                queryMask: queryMask is null ? null : T(queryMask, B, Tq), valueMask: valueMask is null ? null : T(valueMask, B, S));
            var (refOut, refProbs) = MultiHead(q, v, k, w, B, Tq, S, Dq, Dv, dk, Heads, KeyDim, ValueDim, dout, mask);
            Assert.That(output.Shape, Is.EqualTo(new Shape(B, Tq, dout)));
            Assert.That(scores.Shape, Is.EqualTo(new Shape(B, Heads, Tq, S)));
            KerasTestUtil.AssertClose(output.ToArray(), refOut, 1e-5, 1e-4);
            KerasTestUtil.AssertClose(scores.ToArray(), refProbs, 1e-6, 1e-4);
            var loss = Ops.Add(Ops.Sum(Ops.Multiply(output, T(coef, B, Tq, dout))), Ops.Sum(Ops.Multiply(scores, T(scoreCoef, B, Heads, Tq, S))));
            var sources = new List<Tensor> { qt, vt };
            if (kt is not null) sources.Add(kt);
            sources.AddRange(layer.Weights.Select(x => x.Value));
            grads = tape.Gradient(loss, [.. sources]);
        }

        var parameters = new List<double[]> { q, v };
        if (separateKey) parameters.Add(k);
        parameters.AddRange(Flat(w));
        int nInputs = separateKey ? 3 : 2;
        double Eval(List<double[]> p) => Loss(p[0], p[1], separateKey ? p[2] : p[1], FromFlat(p.Skip(nInputs).ToArray()));
        for (int pi = 0; pi < parameters.Count; pi++)
        {
            var numeric = new double[parameters[pi].Length];
            for (int i = 0; i < numeric.Length; i++)
            {
                const double h = 1e-6;
                var plus = parameters.Select(a => (double[])a.Clone()).ToList();
                var minus = parameters.Select(a => (double[])a.Clone()).ToList();
                plus[pi][i] += h;
                minus[pi][i] -= h;
                numeric[i] = (Eval(plus) - Eval(minus)) / (2 * h);
            }
            Assert.That(grads[pi].Shape.Size, Is.EqualTo(numeric.Length), $"gradient {pi} size");
            KerasTestUtil.AssertClose(grads[pi].ToArray(), numeric, 1e-4, 1e-3);
        }
    }

    [Test]
    public void MultiHeadAttention_Weights_HaveKerasShapesNamesAndOrder()
    {
        var layer = new MultiHeadAttention(numHeads: 4, keyDim: 8, valueDim: 6);
        layer.Build(new KerasShape(null, 7, 16), new KerasShape(null, 9, 12), new KerasShape(null, 9, 10));
        Assert.That(layer.Sublayers.Select(l => l.Name), Is.EqualTo(new[] { "query", "key", "value", "attention_output" }));
        Assert.That(layer.Weights.Select(w => w.Path), Is.EqualTo(new[]
        {
            "query/kernel", "query/bias", "key/kernel", "key/bias", "value/kernel", "value/bias", "attention_output/kernel", "attention_output/bias",
        }));
        Assert.That(layer.Weights.Select(w => w.Shape), Is.EqualTo(new[]
        {
            new Shape(16, 4, 8), new Shape(4, 8), new Shape(10, 4, 8), new Shape(4, 8),
            new Shape(12, 4, 6), new Shape(4, 6), new Shape(4, 6, 16), new Shape(16),
        }));
        Assert.That(layer.QueryDense!.Equation, Is.EqualTo("abc,cde->abde"));
        Assert.That(layer.OutputDense!.Equation, Is.EqualTo("abcd,cde->abe"));
        Assert.That(layer.CountParams(), Is.EqualTo(16 * 32 + 32 + 10 * 32 + 32 + 12 * 24 + 24 + 24 * 16 + 16));
    }

    [Test]
    public void MultiHeadAttention_WithGateOutputShapeAndNoBias_HasKerasWeights()
    {
        var layer = new MultiHeadAttention(2, 3, useBias: false, outputShape: [5, 2], useGate: true);
        layer.Build(new KerasShape(null, 4, 6), new KerasShape(null, 4, 6));
        Assert.That(layer.Weights.Select(w => w.Path), Is.EqualTo(new[] { "query/kernel", "key/kernel", "gate/kernel", "value/kernel", "attention_output/kernel" }));
        Assert.That(layer.Weights.Select(w => w.Shape), Is.EqualTo(new[]
        {
            new Shape(6, 2, 3), new Shape(6, 2, 3), new Shape(6, 2, 3), new Shape(6, 2, 3), new Shape(2, 3, 5, 2),
        }));
        var y = layer.Call(KerasTestUtil.Random(1, 2, 4, 6), KerasTestUtil.Random(2, 2, 4, 6));
        Assert.That(y.Shape, Is.EqualTo(new Shape(2, 4, 5, 2)));
    }

    [Test]
    public void MultiHeadAttention_Gate_MultipliesHeadsBySigmoidOfQueryProjection()
    {
        var q = KerasTestUtil.Random(3, 1, 3, 4);
        var v = KerasTestUtil.Random(4, 1, 5, 4);
        var gated = new MultiHeadAttention(2, 2, useGate: true);
        gated.Build(KerasShape.Of(q.Shape), KerasShape.Of(v.Shape));
        // Weights in order: query k/b, key k/b, gate k/b, value k/b, output k/b.
        var w = gated.GetWeightArrays().Select(a => a.Select(f => (double)f).ToArray()).ToArray();
        var qd = q.ToArray().Select(f => (double)f).ToArray();
        var vd = v.ToArray().Select(f => (double)f).ToArray();
        // The probabilities do not depend on the gate: take them from the ungated reference.
        var (_, probs) = MultiHead(qd, vd, vd, new MhaWeights(w[0], w[1], w[2], w[3], w[6], w[7], w[8], w[9]),
            1, 3, 5, 4, 4, 4, 2, 2, 2, 4, null);
        var expected = new double[3 * 4];
        for (int t = 0; t < 3; t++)
        {
            var gatedHeads = new double[2, 2];
            for (int h = 0; h < 2; h++)
            {
                for (int f = 0; f < 2; f++)
                {
                    double g = w[5][h * 2 + f], ctx = 0;
                    for (int c = 0; c < 4; c++) g += qd[t * 4 + c] * w[4][(c * 2 + h) * 2 + f];
                    for (int s = 0; s < 5; s++)
                    {
                        double val = w[7][h * 2 + f];
                        for (int c = 0; c < 4; c++) val += vd[s * 4 + c] * w[6][(c * 2 + h) * 2 + f];
                        ctx += probs[(h * 3 + t) * 5 + s] * val;
                    }
                    gatedHeads[h, f] = ctx / (1 + Math.Exp(-g));
                }
            }
            for (int o = 0; o < 4; o++)
            {
                double acc = w[9][o];
                for (int h = 0; h < 2; h++)
                    for (int f = 0; f < 2; f++) acc += gatedHeads[h, f] * w[8][(h * 2 + f) * 4 + o];
                expected[t * 4 + o] = acc;
            }
        }
        KerasTestUtil.AssertClose(gated.Call(q, v).ToArray(), expected, 1e-5, 1e-4);
    }

    [Test]
    public void MultiHeadAttention_SlidingWindow_MasksFarKeys()
    {
        var x = KerasTestUtil.Random(5, 1, 6, 4);
        var layer = new MultiHeadAttention(1, 2, slidingWindow: 2);
        var (_, scores) = layer.CallWithAttentionScores(x, x);
        var p = scores.ToArray();
        for (int i = 0; i < 6; i++)
        {
            for (int j = 0; j < 6; j++)
            {
                if (Math.Abs(i - j) >= 2) Assert.That(p[i * 6 + j], Is.EqualTo(0f), $"({i}, {j})");
                else Assert.That(p[i * 6 + j], Is.GreaterThan(0f), $"({i}, {j})");
            }
        }
    }

    [Test]
    public void MultiHeadAttention_TwoAttentionAxes_AttendJointlyOverBoth()
    {
        // (B, 2, 3, dim): Keras's default attends over both middle axes at once, which equals
        // attention over the 6 flattened positions with the same weights.
        var x4 = KerasTestUtil.Random(6, 2, 2, 3, 4);
        var layer4 = new MultiHeadAttention(2, 3);
        var y4 = layer4.Call(x4, x4);
        Assert.That(layer4.AttentionAxes, Is.EqualTo(new[] { 1, 2 }));
        var layer3 = new MultiHeadAttention(2, 3);
        var x3 = x4.Reshape(2, 6, 4);
        layer3.Build(KerasShape.Of(x3.Shape), KerasShape.Of(x3.Shape));
        layer3.SetWeights(layer4.GetWeights());
        var y3 = layer3.Call(x3, x3);
        Assert.That(y4.Shape, Is.EqualTo(new Shape(2, 2, 3, 4)));
        KerasTestUtil.AssertClose(y4.ToArray(), y3.ToArray().Select(f => (double)f).ToArray(), 1e-6, 1e-5);
        var (_, scores) = layer4.CallWithAttentionScores(x4, x4);
        Assert.That(scores.Shape, Is.EqualTo(new Shape(2, 2, 2, 3, 2, 3)));
    }

    [Test]
    public void MultiHeadAttention_InModel_TakesMasksFromEmbeddingAndPassesTheQueryMask()
    {
        var ids = KerasApi.Input([5]);
        var emb = new Embedding(10, 4, maskZero: true);
        var x = emb.Apply(ids);
        var mha = new MultiHeadAttention(2, 3);
        var y = mha.Apply(x, x);
        var model = new Model([ids], [y]);
        var idValues = Tensor.FromArray(new float[] { 3, 1, 4, 0, 0, 2, 7, 1, 8, 2 }, new Shape(2, 5));
        var output = model.Apply(idValues);

        var embedded = emb.Call(idValues);
        var mask = Tensor.FromArray(new float[] { 1, 1, 1, 0, 0, 1, 1, 1, 1, 1 }, new Shape(2, 5));
        var expected = mha.Call(embedded, embedded, queryMask: mask, valueMask: mask);
        var unmasked = mha.Call(embedded, embedded);
        Assert.That(output.ToArray(), Is.EqualTo(expected.ToArray()).Within(1e-6f));
        Assert.That(output.ToArray(), Is.Not.EqualTo(unmasked.ToArray()).Within(1e-4f), "the masks must change the result");
        Assert.That(mha.ComputeMask([embedded, embedded], [mask, mask]), Is.SameAs(mask));
    }

    [Test]
    public void MultiHeadAttention_Dropout_OnlyInTrainingAndScoresArePreDropout()
    {
        var x = KerasTestUtil.Random(7, 2, 4, 6);
        var layer = new MultiHeadAttention(2, 3, dropout: 0.5f, seed: 3);
        var inference = layer.Call(x, x);
        var again = layer.Call(x, x);
        Assert.That(inference.ToArray(), Is.EqualTo(again.ToArray()));
        var (trained, scores) = layer.CallWithAttentionScores(x, x, training: true);
        Assert.That(trained.ToArray(), Is.Not.EqualTo(inference.ToArray()));
        var p = scores.ToArray();
        for (int r = 0; r < p.Length / 4; r++)
            Assert.That(p.Skip(r * 4).Take(4).Sum(), Is.EqualTo(1f).Within(1e-5f), $"row {r} of the scores");
    }

    [Test]
    public void MultiHeadAttention_KernelInitializer_UsesDenseFansAsKeras()
    {
        // Keras hands glorot_uniform the kernel's input/output axes: fan_in = dim, fan_out = heads·key_dim.
        // Limit √(6/(64+64)) ≈ 0.2165; the convolution fans would give √(6/(256+1024)) ≈ 0.0685.
        var layer = new MultiHeadAttention(4, 16);
        layer.Build(new KerasShape(null, 3, 64), new KerasShape(null, 3, 64));
        var kernel = layer.QueryDense!.Kernel!.ToArray();
        double limit = Math.Sqrt(6.0 / 128);
        Assert.That(kernel.Max(Math.Abs), Is.LessThanOrEqualTo(limit).And.GreaterThan(0.9 * limit));
    }

    [Test]
    public void MultiHeadAttention_DefaultConfig_HasKeras3Keys()
    {
        var config = new MultiHeadAttention(2, 4, name: "mha").GetConfig();
        Assert.That(config.Properties().Select(p => p.Name), Is.EqualTo(new[]
        {
            "name", "trainable", "dtype", "num_heads", "key_dim", "value_dim", "dropout", "use_bias", "use_gate", "output_shape",
            "attention_axes", "sliding_window", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
            "activity_regularizer", "kernel_constraint", "bias_constraint", "seed",
        }));
        Assert.That(config.Value<int>("value_dim"), Is.EqualTo(4), "value_dim defaults to key_dim");
        Assert.That(config.Value<double>("dropout"), Is.EqualTo(0.0));
        Assert.That(config.Value<bool>("use_bias"), Is.True);
        Assert.That(config.Value<bool>("use_gate"), Is.False);
        Assert.That(config["output_shape"]!.Type, Is.EqualTo(JTokenType.Null));
        Assert.That(config["attention_axes"]!.Type, Is.EqualTo(JTokenType.Null));
        Assert.That(config["sliding_window"]!.Type, Is.EqualTo(JTokenType.Null));
        Assert.That(config["kernel_initializer"]!.Value<string>("class_name"), Is.EqualTo("GlorotUniform"));
        Assert.That(config["bias_initializer"]!.Value<string>("class_name"), Is.EqualTo("Zeros"));
        Assert.That(config["seed"]!.Type, Is.EqualTo(JTokenType.Null));
    }

    [Test]
    public void MultiHeadAttention_ConfigAfterBuild_HoldsResolvedAttentionAxes()
    {
        var layer = new MultiHeadAttention(2, 4);
        layer.Build(new KerasShape(null, 5, 8), new KerasShape(null, 5, 8));
        Assert.That(layer.GetConfig()["attention_axes"]!.ToObject<int[]>(), Is.EqualTo(new[] { 1 }));
        var clone = MultiHeadAttention.FromConfig(layer.GetConfig());
        Assert.That(clone.AttentionAxes, Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void MultiHeadAttention_Keras2Config_IsReadAndBuiltFromItsShapes()
    {
        var config = JObject.Parse("""
            {"name": "mha", "trainable": true, "dtype": "float32", "num_heads": 2, "key_dim": 3, "value_dim": 3,
             "dropout": 0.1, "use_bias": true, "output_shape": null, "attention_axes": [1],
             "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
             "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null, "bias_regularizer": null,
             "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null,
             "query_shape": [null, 4, 6], "value_shape": [null, 5, 6], "key_shape": [null, 5, 6]}
            """);
        var layer = (MultiHeadAttention)Layer.FromConfig("MultiHeadAttention", config);
        Assert.That(layer.Built, Is.True);
        Assert.That(layer.Dropout, Is.EqualTo(0.1f));
        Assert.That(layer.Weights, Has.Count.EqualTo(8));
        Assert.That(layer.Weights[0].Shape, Is.EqualTo(new Shape(6, 2, 3)));
    }

    [Test]
    public void MultiHeadAttention_Harness_RoundTripsAndTrains()
    {
        LayerHarness.Run(() => new MultiHeadAttention(2, 3, valueDim: 4, outputShape: [5], seed: 2, dropout: 0.1f),
            [[2, 3, 6], [2, 4, 7]], [2, 3, 5], expectedTrainableWeights: 8);
        LayerHarness.Run(() => new MultiHeadAttention(1, 2, useBias: false, useGate: true, slidingWindow: 3),
            [[2, 3, 6], [2, 4, 7], [2, 4, 5]], [2, 3, 6], expectedTrainableWeights: 5);
    }

    [Test]
    public void MultiHeadAttention_BadInputs_ThrowNamingTheShapes()
    {
        var layer = new MultiHeadAttention(2, 3, name: "mha_bad");
        var ex = Assert.Throws<ShapeMismatchException>(() => layer.Call(KerasTestUtil.Random(1, 2, 6), KerasTestUtil.Random(1, 2, 6)));
        Assert.That(ex!.Message, Does.Contain("mha_bad").And.Contain("(2, 6)"));
        var kv = Assert.Throws<ShapeMismatchException>(() => new MultiHeadAttention(2, 3).Call(
            KerasTestUtil.Random(1, 2, 3, 4), KerasTestUtil.Random(2, 2, 5, 4), KerasTestUtil.Random(3, 2, 6, 4)));
        Assert.That(kv!.Message, Does.Contain("value_shape").And.Contain("key_shape"));
        var mask = Assert.Throws<ShapeMismatchException>(() => new MultiHeadAttention(2, 3).Call(
            KerasTestUtil.Random(1, 2, 3, 4), KerasTestUtil.Random(2, 2, 5, 4), attentionMask: Tensor.Ones(new Shape(2, 5, 3))));
        Assert.That(mask!.Message, Does.Contain("attention_mask"));
        Assert.Throws<NotSupportedException>(() => new MultiHeadAttention(2, 3, attentionAxes: [2]).Build(
            new KerasShape(null, 3, 4, 5), new KerasShape(null, 3, 4, 5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MultiHeadAttention(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MultiHeadAttention(2, 3, slidingWindow: 0));
    }
}
