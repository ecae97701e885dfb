using DeepNet.Autograd;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;
using static DeepNet.Tests.Keras.Layers.AttentionReference;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>Keras's Attention (Luong: dot, concat) and AdditiveAttention (Bahdanau) layers.</summary>
public class AttentionLayerTests
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

    private static Tensor T(double[] v, params int[] shape) => Tensor.FromArray(v.Select(d => (float)d).ToArray(), new Shape(shape));

    private const int B = 2, Tq = 3, Tv = 4, D = 3, Dv = 2;

    private static DeepNet.Keras.Layers.Attention Make(Score mode, bool useScale) => mode switch
    {
        Score.Dot => new DeepNet.Keras.Layers.Attention(useScale: useScale),
        Score.Concat => new DeepNet.Keras.Layers.Attention(useScale: useScale, scoreMode: "concat"),
        _ => new AdditiveAttention(useScale: useScale),
    };

    [TestCase(Score.Dot, false, false, false, false)]
    [TestCase(Score.Dot, true, true, false, true)]
    [TestCase(Score.Dot, true, false, true, false)]
    [TestCase(Score.Concat, false, true, false, false)]
    [TestCase(Score.Concat, true, true, true, true)]
    [TestCase(Score.Additive, true, false, false, false)]
    [TestCase(Score.Additive, true, true, true, true)]
    [TestCase(Score.Additive, false, true, false, true)]
    public void AttentionLayer_ForwardAndGradients_MatchFloat64Reference(Score mode, bool useScale, bool masks, bool causal, bool separateKey)
    {
        // Key defaults to value, so without a key the value has the query's width.
        int dv = separateKey ? Dv : D;
        var q = RandomDoubles(1, B * Tq * D);
        var v = RandomDoubles(2, B * Tv * dv);
        var k = separateKey ? RandomDoubles(3, B * Tv * D) : null;
        double[]? scale = !useScale ? null : mode == Score.Additive ? RandomDoubles(4, D) : [1.3];
        double concatWeight = 0.7;
        // Every query row keeps at least one key (Keras requires it); batch 1 masks its first query.
        double[]? valueMask = masks ? [1, 0, 1, 0, 1, 1, 1, 0] : null;
        double[]? queryMask = masks ? [1, 1, 1, 0, 1, 1] : null;
        var scoresMask = valueMask is null && !causal ? null : new double[B * Tq * Tv];
        if (scoresMask is not null)
        {
            for (int b = 0; b < B; b++)
                for (int i = 0; i < Tq; i++)
                    for (int j = 0; j < Tv; j++)
                        scoresMask[(b * Tq + i) * Tv + j] = (valueMask?[b * Tv + j] ?? 1) != 0 && (!causal || j <= i) ? 1 : 0;
        }
        var coef = RandomDoubles(5, B * Tq * dv);
        var weightCoef = RandomDoubles(6, B * Tq * Tv);

        double Loss(double[] qv, double[] vv, double[]? kv, double[]? sv)
        {
            var (o, w) = Luong(mode, qv, vv, kv ?? vv, sv, concatWeight, B, Tq, Tv, D, dv, scoresMask, queryMask);
            double loss = 0;
            for (int i = 0; i < o.Length; i++) loss += coef[i] * o[i];
            for (int i = 0; i < w.Length; i++) loss += weightCoef[i] * w[i];
            return loss;
        }

        var layer = Make(mode, useScale);
        var qt = T(q, B, Tq, D);
        var vt = T(v, B, Tv, dv);
        var kt = k is null ? null : T(k, B, Tv, D);
        layer.EnsureBuilt(kt is null ? [KerasShape.Of(qt.Shape), KerasShape.Of(vt.Shape)] : [KerasShape.Of(qt.Shape), KerasShape.Of(vt.Shape), KerasShape.Of(kt.Shape)]);
        var expectedNames = new List<string>();
        if (useScale) expectedNames.Add("scale");
        if (mode == Score.Concat) expectedNames.Add("concat_score_weight");
        Assert.That(layer.Weights.Select(w => w.Name), Is.EqualTo(expectedNames));
        var values = new List<float[]>();
        if (scale is not null) values.Add(scale.Select(d => (float)d).ToArray());
        if (mode == Score.Concat) values.Add([(float)concatWeight]);
        layer.SetWeights(values);

        Tensor[] grads;
        using (var tape = new GradientTape())
        {
            var (output, weights) = layer.CallWithAttentionScores(qt, vt, kt,
                queryMask: queryMask is null ? null : T(queryMask, B, Tq), valueMask: valueMask is null ? null : T(valueMask, B, Tv), useCausalMask: causal);
            var (refOut, refWeights) = Luong(mode, q, v, k ?? v, scale, concatWeight, B, Tq, Tv, D, dv, scoresMask, queryMask);
            Assert.That(output.Shape, Is.EqualTo(new Shape(B, Tq, dv)));
            KerasTestUtil.AssertClose(output.ToArray(), refOut, 1e-5, 1e-4);
            KerasTestUtil.AssertClose(weights.ToArray(), refWeights, 1e-6, 1e-4);
            var loss = Ops.Add(Ops.Sum(Ops.Multiply(output, T(coef, B, Tq, dv))), Ops.Sum(Ops.Multiply(weights, T(weightCoef, B, Tq, Tv))));
            var sources = new List<Tensor> { qt, vt };
            if (kt is not null) sources.Add(kt);
            if (layer.Scale is not null) sources.Add(layer.Scale.Value);
            grads = tape.Gradient(loss, [.. sources]);
        }

        var parameters = new List<double[]> { q, v };
        if (k is not null) parameters.Add(k);
        if (scale is not null) parameters.Add(scale);
        double Eval(List<double[]> p) => Loss(p[0], p[1], k is null ? null : p[2], scale is null ? null : p[^1]);
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
            KerasTestUtil.AssertClose(grads[pi].ToArray(), numeric, 1e-4, 1e-3);
        }
    }

    [Test]
    public void AttentionLayer_InModel_UsesValueMaskAndPassesQueryMask()
    {
        var qIds = KerasApi.Input([3]);
        var vIds = KerasApi.Input([4]);
        var embedding = new Embedding(10, 5, maskZero: true);
        var qx = embedding.Apply(qIds);
        var vx = embedding.Apply(vIds);
        var attention = new DeepNet.Keras.Layers.Attention();
        var y = attention.Apply([qx, vx]);
        var model = new Model([qIds, vIds], [y]);
        var qv = Tensor.FromArray(new float[] { 1, 2, 0, 3, 0, 4 }, new Shape(2, 3));
        var vv = Tensor.FromArray(new float[] { 5, 0, 6, 7, 8, 9, 0, 0 }, new Shape(2, 4));
        var output = model.ApplyMany([qv, vv])[0];
        var expected = attention.Call(embedding.Call(qv), embedding.Call(vv),
            queryMask: Tensor.FromArray(new float[] { 1, 1, 0, 1, 0, 1 }, new Shape(2, 3)),
            valueMask: Tensor.FromArray(new float[] { 1, 0, 1, 1, 1, 1, 0, 0 }, new Shape(2, 4)));
        Assert.That(output.ToArray(), Is.EqualTo(expected.ToArray()).Within(1e-6f));
        // Masked queries give zero rows.
        Assert.That(output.ToArray().Skip(2 * 5).Take(5), Is.All.EqualTo(0f));
    }

    [Test]
    public void Attention_DefaultConfigs_AreKeras3s()
    {
        var attention = new DeepNet.Keras.Layers.Attention().GetConfig();
        Assert.That(attention.Properties().Select(p => p.Name), Is.EqualTo(new[] { "name", "trainable", "dtype", "use_scale", "score_mode", "dropout", "seed" }));
        Assert.That(attention.Value<bool>("use_scale"), Is.False);
        Assert.That(attention.Value<string>("score_mode"), Is.EqualTo("dot"));
        Assert.That(attention.Value<double>("dropout"), Is.EqualTo(0.0));
        Assert.That(attention["seed"]!.Type, Is.EqualTo(JTokenType.Null));
        var additive = new AdditiveAttention().GetConfig();
        Assert.That(additive.Properties().Select(p => p.Name), Is.EqualTo(new[] { "name", "trainable", "dtype", "use_scale", "dropout", "seed" }));
        Assert.That(additive.Value<bool>("use_scale"), Is.True);
        Assert.That(additive.Value<string>("name"), Does.StartWith("additive_attention"));
    }

    [Test]
    public void AttentionLayers_Harness_RoundTripAndTrain()
    {
        LayerHarness.Run(() => new DeepNet.Keras.Layers.Attention(useScale: true, scoreMode: "concat", dropout: 0.2f, seed: 1),
            [[2, 3, 4], [2, 5, 4]], [2, 3, 4], expectedTrainableWeights: 2);
        LayerHarness.Run(() => new DeepNet.Keras.Layers.Attention(), [[2, 3, 4], [2, 5, 6], [2, 5, 4]], [2, 3, 6]);
        LayerHarness.Run(() => new AdditiveAttention(dropout: 0.1f), [[2, 3, 4], [2, 5, 4]], [2, 3, 4], expectedTrainableWeights: 1);
    }

    [Test]
    public void AdditiveAttention_Scale_IsGlorotUniformOfQueryWidth()
    {
        var layer = new AdditiveAttention();
        layer.EnsureBuilt([new KerasShape(null, 3, 600), new KerasShape(null, 4, 600)]);
        Assert.That(layer.Scale!.Shape, Is.EqualTo(new Shape(600)));
        // Rank 1: fan_in = fan_out = 600, limit √(6/1200).
        double limit = Math.Sqrt(6.0 / 1200);
        Assert.That(layer.Scale.ToArray().Max(Math.Abs), Is.LessThanOrEqualTo(limit).And.GreaterThan(0.9 * limit));
    }

    [Test]
    public void AttentionLayers_BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => _ = new DeepNet.Keras.Layers.Attention(scoreMode: "general"));
        var layer = new DeepNet.Keras.Layers.Attention(name: "att_bad");
        Assert.Throws<ArgumentException>(() => layer.Apply([KerasTestUtil.Random(1, 2, 3, 4)]));
        var ex = Assert.Throws<ShapeMismatchException>(() => layer.Call(KerasTestUtil.Random(1, 2, 3, 4), KerasTestUtil.Random(2, 2, 5, 6), KerasTestUtil.Random(3, 2, 5, 3)));
        Assert.That(ex!.Message, Does.Contain("att_bad"));
        var mask = Assert.Throws<ShapeMismatchException>(() => new DeepNet.Keras.Layers.Attention().Call(
            KerasTestUtil.Random(1, 2, 3, 4), KerasTestUtil.Random(2, 2, 5, 4), valueMask: Tensor.Ones(new Shape(2, 3))));
        Assert.That(mask!.Message, Does.Contain("value mask"));
    }
}
