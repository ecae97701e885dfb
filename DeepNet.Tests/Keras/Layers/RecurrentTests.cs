using DeepNet.Autograd;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using Newtonsoft.Json.Linq;
using static DeepNet.Tests.Keras.Layers.RecurrentReference;

namespace DeepNet.Tests.Keras.Layers;

public class RecurrentTests
{
    private static RNN MakeLayer(Kind kind, int units, bool returnSequences, bool goBackwards, string recurrentActivation = "sigmoid") => kind switch
    {
        Kind.SimpleRnn => new SimpleRNN(units, returnSequences: returnSequences, returnState: true, goBackwards: goBackwards),
        Kind.Lstm => new LSTM(units, recurrentActivation: recurrentActivation, returnSequences: returnSequences, returnState: true, goBackwards: goBackwards),
        Kind.GruResetAfter => new GRU(units, returnSequences: returnSequences, returnState: true, goBackwards: goBackwards),
        _ => new GRU(units, resetAfter: false, returnSequences: returnSequences, returnState: true, goBackwards: goBackwards),
    };

    private static double[] RandomDoubles(int seed, int n, double scale = 1)
    {
        var rng = new Random(seed);
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = (rng.NextDouble() * 2 - 1) * scale;
        return v;
    }

    private static float[] ToFloat(double[] v) => v.Select(d => (float)d).ToArray();

    private static double[] ToDouble(float[] v) => v.Select(f => (double)f).ToArray();

    // The same layer, float32 forward and tape gradients vs float64 reference and central differences.
    [TestCase(Kind.SimpleRnn, false, false, true, 2)]
    [TestCase(Kind.SimpleRnn, true, true, false, 3)]
    [TestCase(Kind.Lstm, false, false, true, 2)]
    [TestCase(Kind.Lstm, true, false, false, 1)]
    [TestCase(Kind.Lstm, false, true, true, 3)]
    [TestCase(Kind.Lstm, true, true, true, 3)]
    [TestCase(Kind.GruResetAfter, false, false, true, 2)]
    [TestCase(Kind.GruResetAfter, true, true, false, 3)]
    [TestCase(Kind.GruResetBefore, false, true, true, 3)]
    [TestCase(Kind.GruResetBefore, true, false, false, 1)]
    public void RecurrentLayer_ForwardAndGradients_MatchFloat64Reference(Kind kind, bool goBackwards, bool withMask, bool returnSequences, int batch)
    {
        const int steps = 5, features = 3, units = 4;
        int g = Gates(kind) * units;
        var x = RandomDoubles(1, batch * steps * features);
        var kernel = RandomDoubles(2, features * g, 0.6);
        var recurrent = RandomDoubles(3, units * g, 0.6);
        var bias = RandomDoubles(4, BiasLength(kind, units), 0.3);
        var mask = withMask ? MakeMask(batch, steps) : null;
        int nStates = StateCount(kind);
        var seqCoef = RandomDoubles(5, batch * steps * units);
        var stateCoef = Enumerable.Range(0, nStates).Select(s => RandomDoubles(6 + s, batch * units)).ToArray();

        // Reference loss: Σ coef·outputs + Σ coef·states, with outputs the sequence or the last step.
        double Loss(double[] xv, double[] kv, double[] rv, double[] bv)
        {
            var (seq, states) = Run(kind, xv, batch, steps, features, units, kv, rv, bv, mask, goBackwards);
            double loss = 0;
            for (int b = 0; b < batch; b++)
            {
                for (int k = 0; k < steps; k++)
                {
                    if (!returnSequences && k != steps - 1) continue;
                    for (int i = 0; i < units; i++) loss += seqCoef[(b * steps + k) * units + i] * seq[(b * steps + k) * units + i];
                }
            }
            for (int s = 0; s < nStates; s++)
                for (int i = 0; i < batch * units; i++) loss += stateCoef[s][i] * states[s][i];
            return loss;
        }

        var layer = MakeLayer(kind, units, returnSequences, goBackwards);
        layer.EnsureBuilt(new KerasShape(batch, steps, features));
        Assert.That(layer.Weights.Select(w => w.Name), Is.EqualTo(new[] { "kernel", "recurrent_kernel", "bias" }));
        layer.SetWeights([ToFloat(kernel), ToFloat(recurrent), ToFloat(bias)]);

        var xt = Tensor.FromArray(ToFloat(x), new Shape(batch, steps, features));
        var maskT = mask is null ? null : Tensor.FromArray(ToFloat(mask), new Shape(batch, steps));
        Tensor[] outputs;
        Tensor[] grads;
        using (var tape = new GradientTape())
        {
            outputs = layer.CallMasked([xt], [maskT], training: false);
            Assert.That(outputs, Has.Length.EqualTo(1 + nStates));
            var (refSeq, refStates) = Run(kind, x, batch, steps, features, units, kernel, recurrent, bias, mask, goBackwards);
            if (returnSequences)
            {
                Assert.That(outputs[0].Shape, Is.EqualTo(new Shape(batch, steps, units)));
                KerasTestUtil.AssertClose(outputs[0].ToArray(), refSeq, 1e-5, 1e-4);
            }
            else
            {
                Assert.That(outputs[0].Shape, Is.EqualTo(new Shape(batch, units)));
                var last = new double[batch * units];
                for (int b = 0; b < batch; b++)
                    for (int i = 0; i < units; i++) last[b * units + i] = refSeq[(b * steps + steps - 1) * units + i];
                KerasTestUtil.AssertClose(outputs[0].ToArray(), last, 1e-5, 1e-4);
            }
            for (int s = 0; s < nStates; s++) KerasTestUtil.AssertClose(outputs[1 + s].ToArray(), refStates[s], 1e-5, 1e-4);

            // The loss in Ops, with the coefficients laid out like each output.
            var coef = returnSequences ? ToFloat(seqCoef) : LastStepCoefficients(seqCoef, batch, steps, units);
            var loss = DeepNet.Ops.Sum(DeepNet.Ops.Multiply(outputs[0], Tensor.FromArray(coef, outputs[0].Shape)));
            for (int s = 0; s < nStates; s++)
                loss = DeepNet.Ops.Add(loss, DeepNet.Ops.Sum(DeepNet.Ops.Multiply(outputs[1 + s], Tensor.FromArray(ToFloat(stateCoef[s]), outputs[1 + s].Shape))));
            var w = layer.Weights;
            grads = tape.Gradient(loss, xt, w[0].Value, w[1].Value, w[2].Value);
        }

        double[][] parameters = [x, kernel, recurrent, bias];
        string[] names = ["inputs", "kernel", "recurrent_kernel", "bias"];
        for (int p = 0; p < parameters.Length; p++)
        {
            var numeric = FiniteDifferences.Gradient(parameters[p], () => Loss(x, kernel, recurrent, bias), step: 1e-6);
            Assert.That(grads[p].Shape.Size, Is.EqualTo(numeric.Length), names[p]);
            try
            {
                KerasTestUtil.AssertClose(grads[p].ToArray(), numeric, 1e-4, 1e-3);
            }
            catch (AssertionException)
            {
                TestContext.Out.WriteLine($"gradient of {names[p]} differs");
                throw;
            }
        }
    }

    private static float[] LastStepCoefficients(double[] seqCoef, int batch, int steps, int units)
    {
        var c = new float[batch * units];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < units; i++) c[b * units + i] = (float)seqCoef[(b * steps + steps - 1) * units + i];
        return c;
    }

    [Test]
    public void Lstm_Keras2HardSigmoidConfig_UsesKeras2Formula()
    {
        const int batch = 2, steps = 4, features = 3, units = 3;
        var config = new LSTM(units, recurrentActivation: "hard_sigmoid").GetConfig();
        config["implementation"] = 2;
        config["time_major"] = false;
        config.Remove("zero_output_for_mask");
        var keras2 = (LSTM)Layer.FromConfig("LSTM", config);
        Assert.That(keras2.Cell.Keras2HardSigmoid, Is.True);
        Assert.That(JToken.DeepEquals(Layer.FromConfig("LSTM", keras2.GetConfig()).GetConfig(), keras2.GetConfig()), Is.True, "Keras 2 config round trip");
        var keras3 = new LSTM(units, recurrentActivation: "hard_sigmoid");

        var x = RandomDoubles(11, batch * steps * features, 3);
        var kernel = RandomDoubles(12, features * 4 * units, 2);
        var recurrent = RandomDoubles(13, units * 4 * units, 2);
        var bias = RandomDoubles(14, 4 * units);
        var xt = Tensor.FromArray(ToFloat(x), new Shape(batch, steps, features));
        foreach (var (layer, f) in new (LSTM, Func<double, double>)[] { (keras2, HardSigmoidKeras2), (keras3, HardSigmoidKeras3) })
        {
            layer.EnsureBuilt(new KerasShape(batch, steps, features));
            layer.SetWeights([ToFloat(kernel), ToFloat(recurrent), ToFloat(bias)]);
            var (seq, _) = Run(Kind.Lstm, x, batch, steps, features, units, kernel, recurrent, bias, recurrentActivation: f);
            var last = new double[batch * units];
            for (int b = 0; b < batch; b++)
                for (int i = 0; i < units; i++) last[b * units + i] = seq[(b * steps + steps - 1) * units + i];
            KerasTestUtil.AssertClose(layer.Apply(xt).ToArray(), last, 1e-5, 1e-4);
        }
    }

    [TestCase(Kind.Lstm)]
    [TestCase(Kind.GruResetAfter)]
    [TestCase(Kind.SimpleRnn)]
    public void Stateful_TwoHalves_EqualOneCallOnTheWholeSequence(Kind kind)
    {
        const int batch = 2, steps = 6, features = 3, units = 4;
        var x = KerasTestUtil.Random(21, batch, steps, features);
        RNN Make(bool stateful) => kind switch
        {
            Kind.Lstm => new LSTM(units, stateful: stateful, returnSequences: true),
            Kind.SimpleRnn => new SimpleRNN(units, stateful: stateful, returnSequences: true),
            _ => new GRU(units, stateful: stateful, returnSequences: true),
        };
        var whole = Make(false);
        var halves = Make(true);
        whole.EnsureBuilt(KerasShape.Of(x.Shape));
        halves.EnsureBuilt(new KerasShape(batch, steps / 2, features));
        halves.SetWeights(whole.GetWeights());
        var expected = whole.Apply(x).ToArray();
        var first = halves.Apply(DeepNet.Ops.Slice(x, [0, 0, 0], [batch, steps / 2, features]));
        var second = halves.Apply(DeepNet.Ops.Slice(x, [0, steps / 2, 0], [batch, steps / 2, features]));
        var joined = DeepNet.Ops.Concat([first, second], 1).ToArray();
        KerasTestUtil.AssertClose(joined, expected, 1e-5, 1e-5);

        halves.ResetStates();
        var again = halves.Apply(DeepNet.Ops.Slice(x, [0, 0, 0], [batch, steps / 2, features])).ToArray();
        KerasTestUtil.AssertClose(again, first.ToArray(), 1e-6, 1e-6);
    }

    [Test]
    public void Lstm_InitialStatesAsExtraInputs_MatchReference()
    {
        const int batch = 2, steps = 3, features = 2, units = 3;
        var layer = new LSTM(units, returnSequences: true);
        layer.EnsureBuilt(new KerasShape(batch, steps, features));
        var w = layer.GetWeightArrays();
        var x = RandomDoubles(31, batch * steps * features);
        var h0 = RandomDoubles(32, batch * units);
        var c0 = RandomDoubles(33, batch * units);
        var y = layer.Apply([Tensor.FromArray(ToFloat(x), new Shape(batch, steps, features)),
            Tensor.FromArray(ToFloat(h0), new Shape(batch, units)), Tensor.FromArray(ToFloat(c0), new Shape(batch, units))]);
        var (seq, _) = Run(Kind.Lstm, x, batch, steps, features, units, ToDouble(w[0]), ToDouble(w[1]), ToDouble(w[2]), initial: [h0, c0]);
        KerasTestUtil.AssertClose(y.ToArray(), seq, 1e-5, 1e-4);
    }

    [Test]
    public void Lstm_WeightShapesAndInitializers_AreKeras()
    {
        var layer = new LSTM(5);
        layer.EnsureBuilt(new KerasShape(null, 7, 3));
        var w = layer.Weights;
        Assert.That(w.Select(v => v.Shape), Is.EqualTo(new[] { new Shape(3, 20), new Shape(5, 20), new Shape(20) }));
        // unit_forget_bias: the f block starts at one, the others at zero.
        var bias = w[2].ToArray();
        for (int j = 0; j < 20; j++) Assert.That(bias[j], Is.EqualTo(j is >= 5 and < 10 ? 1f : 0f), $"bias[{j}]");
        // Orthogonal recurrent kernel (5, 20): its rows are orthonormal.
        var r = w[1].ToArray();
        for (int a = 0; a < 5; a++)
        {
            for (int b = 0; b < 5; b++)
            {
                double dot = 0;
                for (int j = 0; j < 20; j++) dot += r[a * 20 + j] * r[b * 20 + j];
                Assert.That(dot, Is.EqualTo(a == b ? 1.0 : 0.0).Within(1e-4), $"row {a} · row {b}");
            }
        }
        Assert.That(layer.CountParams(), Is.EqualTo(3 * 20 + 5 * 20 + 20));
    }

    [Test]
    public void Gru_BiasShape_DependsOnResetAfter()
    {
        var after = new GRU(4);
        after.EnsureBuilt(new KerasShape(null, 2, 3));
        Assert.That(after.Weights.Select(v => v.Shape), Is.EqualTo(new[] { new Shape(3, 12), new Shape(4, 12), new Shape(2, 12) }));
        var before = new GRU(4, resetAfter: false);
        before.EnsureBuilt(new KerasShape(null, 2, 3));
        Assert.That(before.Weights.Select(v => v.Shape), Is.EqualTo(new[] { new Shape(3, 12), new Shape(4, 12), new Shape(12) }));
        var simple = new SimpleRNN(4);
        simple.EnsureBuilt(new KerasShape(null, 2, 3));
        Assert.That(simple.Weights.Select(v => v.Shape), Is.EqualTo(new[] { new Shape(3, 4), new Shape(4, 4), new Shape(4) }));
    }

    private static readonly string[] s_rnnKeys =
        ["name", "trainable", "dtype", "return_sequences", "return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask"];

    private static readonly string[] s_simpleKeys =
        ["units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
         "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
         "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout"];

    [Test]
    public void DefaultConfigs_AreKeras3Defaults()
    {
        var lstm = new LSTM(8).GetConfig();
        Assert.That(lstm.Properties().Select(p => p.Name),
            Is.EquivalentTo(s_rnnKeys.Concat(s_simpleKeys).Concat(["recurrent_activation", "unit_forget_bias", "seed"])));
        var gru = new GRU(8).GetConfig();
        Assert.That(gru.Properties().Select(p => p.Name),
            Is.EquivalentTo(s_rnnKeys.Concat(s_simpleKeys).Concat(["recurrent_activation", "reset_after", "seed"])));
        var simple = new SimpleRNN(8).GetConfig();
        Assert.That(simple.Properties().Select(p => p.Name), Is.EquivalentTo(s_rnnKeys.Concat(s_simpleKeys)));
        foreach (var c in new[] { lstm, gru, simple })
        {
            foreach (var key in s_rnnKeys.Skip(3)) Assert.That(c.Value<bool>(key), Is.False, key);
            Assert.That(c.Value<int>("units"), Is.EqualTo(8));
            Assert.That(c.Value<string>("activation"), Is.EqualTo("tanh"));
            Assert.That(c.Value<bool>("use_bias"), Is.True);
            Assert.That(c["kernel_initializer"]!.Value<string>("class_name"), Is.EqualTo("GlorotUniform"));
            Assert.That(c["recurrent_initializer"]!.Value<string>("class_name"), Is.EqualTo("Orthogonal"));
            Assert.That(c["recurrent_initializer"]!["config"]!.Value<double>("gain"), Is.EqualTo(1.0));
            Assert.That(c["bias_initializer"]!.Value<string>("class_name"), Is.EqualTo("Zeros"));
            Assert.That(c.Value<double>("dropout"), Is.EqualTo(0.0));
            Assert.That(c.Value<double>("recurrent_dropout"), Is.EqualTo(0.0));
            foreach (var key in new[] { "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint" })
                Assert.That(c[key]!.Type, Is.EqualTo(JTokenType.Null), key);
        }
        Assert.That(lstm.Value<string>("recurrent_activation"), Is.EqualTo("sigmoid"));
        Assert.That(lstm.Value<bool>("unit_forget_bias"), Is.True);
        Assert.That(gru.Value<bool>("reset_after"), Is.True);
        Assert.That(gru.Value<string>("recurrent_activation"), Is.EqualTo("sigmoid"));
    }

    [Test]
    public void ConfigRoundTrip_NonDefaultArguments_AndGenericRnn()
    {
        Layer[] layers =
        [
            new LSTM(3, activation: "relu", recurrentActivation: "hard_sigmoid", useBias: false, unitForgetBias: false, dropout: 0.25f,
                recurrentDropout: 0.5f, seed: 7, returnSequences: true, returnState: true, goBackwards: true, stateful: true, unroll: true),
            new GRU(2, resetAfter: false, zeroOutputForMask: true),
            new SimpleRNN(6, activation: "relu"),
            new RNN(new LSTMCell(4), returnSequences: true),
            new RNN(new GRUCell(4, resetAfter: false)),
            new LSTMCell(3, recurrentActivation: "relu"),
        ];
        foreach (var layer in layers)
        {
            var config = layer.GetConfig();
            var clone = Layer.FromConfig(layer.ClassName, config);
            Assert.That(clone.GetType(), Is.EqualTo(layer.GetType()));
            Assert.That(JToken.DeepEquals(clone.GetConfig(), config), Is.True, $"{layer.ClassName}:\n{config}\nvs\n{clone.GetConfig()}");
        }
    }

    [Test]
    public void Keras2LayerConfig_WithTimeMajorAndImplementation_IsRead()
    {
        var json = JObject.Parse("""
        {"name": "gru", "trainable": true, "dtype": "float32", "return_sequences": false, "return_state": false,
         "go_backwards": false, "stateful": false, "unroll": false, "time_major": false, "units": 5,
         "activation": "tanh", "recurrent_activation": "hard_sigmoid", "use_bias": true,
         "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": null}},
         "recurrent_initializer": {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": null}},
         "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null,
         "recurrent_regularizer": null, "bias_regularizer": null, "activity_regularizer": null,
         "kernel_constraint": null, "recurrent_constraint": null, "bias_constraint": null, "dropout": 0.0,
         "recurrent_dropout": 0.0, "implementation": 2, "reset_after": false,
         "batch_input_shape": [null, 7, 3]}
        """);
        var gru = (GRU)Layer.FromConfig("GRU", json);
        Assert.That(gru.Cell.Keras2HardSigmoid, Is.True);
        Assert.That(gru.Cell.ResetAfter, Is.False);
        Assert.That(gru.InputShape, Is.EqualTo(new[] { 7, 3 }));
        var y = gru.Apply(KerasTestUtil.Random(3, 2, 7, 3));
        Assert.That(y.Shape, Is.EqualTo(new Shape(2, 5)));
    }

    [Test]
    public void Dropout_MasksAreFixedAcrossTimesteps()
    {
        // Keras draws one input mask per sequence: with a zero recurrent kernel and the same input
        // at every timestep, every step's output must be the same in training too.
        const int batch = 3, steps = 4, features = 5, units = 2;
        var cell = new SimpleRNNCell(units, activation: null, useBias: false, dropout: 0.5f, seed: 3);
        var layer = new RNN(cell, returnSequences: true);
        layer.EnsureBuilt(new KerasShape(batch, steps, features));
        // Recurrent kernel zero: each output is the dropped input times the kernel alone.
        layer.SetWeights([KerasTestUtil.RandomArray(1, features * units), new float[units * units]]);
        var step = KerasTestUtil.RandomArray(2, batch * features);
        var x = new float[batch * steps * features];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < steps; t++)
                Array.Copy(step, b * features, x, (b * steps + t) * features, features);
        var y = layer.Apply(Tensor.FromArray(x, new Shape(batch, steps, features)), training: true).ToArray();
        var inference = layer.Apply(Tensor.FromArray(x, new Shape(batch, steps, features)), training: false).ToArray();
        Assert.That(y, Is.Not.EqualTo(inference), "dropout changed nothing in training");
        for (int b = 0; b < batch; b++)
            for (int t = 1; t < steps; t++)
                for (int i = 0; i < units; i++)
                    Assert.That(y[(b * steps + t) * units + i], Is.EqualTo(y[b * steps * units + i]), $"batch {b} step {t} unit {i}");
    }

    [Test]
    public void EmbeddingMaskZero_ThroughModel_PaddedSequenceEqualsUnpadded()
    {
        var input = KerasApi.Input([5]);
        var embedding = new Embedding(10, 3, maskZero: true);
        var lstm = new LSTM(4, returnSequences: false);
        var model = new Model([input], [lstm.Apply(embedding.Apply(input))]);
        var padded = model.Predict(Tensor.FromArray(new float[] { 1, 2, 3, 0, 0, 4, 5, 6, 7, 8 }, new Shape(2, 5)), verbose: 0);

        var shortInput = KerasApi.Input([3]);
        var shortModel = new Model([shortInput], [lstm.Apply(embedding.Apply(shortInput))]);
        var unpadded = shortModel.Predict(Tensor.FromArray(new float[] { 1, 2, 3 }, new Shape(1, 3)), verbose: 0).ToArray();
        KerasTestUtil.AssertClose(padded.ToArray()[..4], unpadded, 1e-6, 1e-6);
        var full = new LSTM(4);
        full.EnsureBuilt(new KerasShape(1, 5, 3));
        full.SetWeights(lstm.GetWeights());
        var row2 = full.Apply(embedding.Apply(Tensor.FromArray(new float[] { 4, 5, 6, 7, 8 }, new Shape(1, 5)))).ToArray();
        KerasTestUtil.AssertClose(padded.ToArray()[4..], row2, 1e-6, 1e-6);
    }

    [Test]
    public void MaskingLayer_InSequential_MasksTheRnn()
    {
        var model = new Sequential();
        model.Add(KerasApi.Input([4, 2]));
        model.Add(new Masking(0f));
        model.Add(new GRU(3, returnSequences: true));
        var x = new float[] { 1, 2, 0, 0, 3, 4, 0, 0 };
        var y = model.Predict(Tensor.FromArray(x, new Shape(1, 4, 2)), verbose: 0).ToArray();
        // Step 1 and 3 are masked: they repeat the outputs of steps 0 and 2.
        for (int i = 0; i < 3; i++)
        {
            Assert.That(y[3 + i], Is.EqualTo(y[i]), $"step 1 unit {i}");
            Assert.That(y[9 + i], Is.EqualTo(y[6 + i]), $"step 3 unit {i}");
        }
        Assert.That(y[6], Is.Not.EqualTo(y[0]));
    }

    [Test]
    public void BadInputs_Throw()
    {
        var lstm = new LSTM(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LSTM(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GRU(3, dropout: 1.5f));
        Assert.That(() => lstm.Apply(KerasTestUtil.Random(1, 2, 3)), Throws.InstanceOf<Exception>());
        var built = new LSTM(3);
        built.EnsureBuilt(new KerasShape(2, 4, 5));
        var ex = Assert.Throws<ShapeMismatchException>(() =>
            built.CallMasked([KerasTestUtil.Random(1, 2, 4, 5)], [Tensor.Ones(new Shape(2, 3))]));
        Assert.That(ex!.Message, Does.Contain("(2, 3)").And.Contain("(2, 4, 5)"));
    }
}
