using DeepNet.Autograd;
using DeepNet.Keras;
using DeepNet.Keras.Layers;
using DeepNet.Memory;
using static DeepNet.Tests.Keras.Layers.RecurrentReference;

namespace DeepNet.Tests.Keras.Layers;

/// <summary>
/// The LSTM and GRU layers run the fused sequence op on the CPU; the generic RNN layer over the
/// same cell steps the cell with primitive ops. Both must give the same outputs, states and
/// gradients, and the layers must fall back to the cell wherever the fused op does not apply.
/// </summary>
public class FusedRecurrentLayerTests
{
    private static RNN Fused(Kind kind, int units, bool returnSequences, bool goBackwards) => kind switch
    {
        Kind.Lstm => new LSTM(units, returnSequences: returnSequences, returnState: true, goBackwards: goBackwards),
        _ => new GRU(units, resetAfter: kind == Kind.GruResetAfter, returnSequences: returnSequences, returnState: true, goBackwards: goBackwards),
    };

    private static RNN Stepped(Kind kind, int units, bool returnSequences, bool goBackwards)
    {
        RnnCell cell = kind == Kind.Lstm ? new LSTMCell(units) : new GRUCell(units, resetAfter: kind == Kind.GruResetAfter);
        return new RNN(cell, returnSequences: returnSequences, returnState: true, goBackwards: goBackwards);
    }

    private static Tensor Random(Random rng, Shape shape, double scale = 1)
    {
        var v = new float[shape.Size];
        for (int i = 0; i < v.Length; i++) v[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        return Tensor.FromArray(v, shape);
    }

    /// <summary>Outputs and Σ coef·outputs gradients of one layer for the given inputs.</summary>
    private static (float[][] Outputs, float[][] Gradients, string[] NodeOps) Evaluate(RNN layer, Tensor[] inputs, Tensor? mask, Tensor[] coefficients)
    {
        using var scope = TensorScope.Begin();
        using var tape = new GradientTape();
        var masks = new Tensor?[inputs.Length];
        masks[0] = mask;
        var outputs = layer.CallMasked(inputs, masks, training: true);
        var loss = DeepNet.Ops.Sum(DeepNet.Ops.Multiply(outputs[0], coefficients[0]));
        for (int i = 1; i < outputs.Length; i++) loss = DeepNet.Ops.Add(loss, DeepNet.Ops.Sum(DeepNet.Ops.Multiply(outputs[i], coefficients[i])));
        var ops = tape.Nodes.Select(n => n.Op).ToArray();
        var sources = inputs.Concat(layer.Weights.Select(w => w.Value)).ToArray();
        var grads = tape.Gradient(loss, sources);
        return (outputs.Select(o => o.ToArray()).ToArray(), grads.Select(g => g.ToArray()).ToArray(), ops);
    }

    [TestCase(Kind.Lstm, false, false, false, true, 1, 5)]
    [TestCase(Kind.Lstm, true, true, true, false, 3, 7)]
    [TestCase(Kind.Lstm, false, true, false, true, 4, 6)]
    [TestCase(Kind.GruResetAfter, false, false, true, false, 1, 5)]
    [TestCase(Kind.GruResetAfter, true, true, true, true, 3, 7)]
    [TestCase(Kind.GruResetBefore, false, true, false, false, 3, 5)]
    [TestCase(Kind.GruResetBefore, true, false, true, true, 2, 9)]
    public void FusedLayer_MatchesSteppedCell_ForwardAndGradients(Kind kind, bool goBackwards, bool withMask, bool withInitial,
        bool returnSequences, int batch, int units)
    {
        const int steps = 6, features = 3;
        var rng = new Random(batch * 31 + units);
        var fused = Fused(kind, units, returnSequences, goBackwards);
        var stepped = Stepped(kind, units, returnSequences, goBackwards);
        fused.EnsureBuilt(new KerasShape(batch, steps, features));
        stepped.EnsureBuilt(new KerasShape(batch, steps, features));
        // Random weights (the bias too, zeros by default) so every gate matters.
        var weights = fused.Weights.Select(w => Random(rng, w.Shape, 0.7)).ToArray();
        fused.SetWeights(weights);
        stepped.SetWeights(weights);

        var inputs = new List<Tensor> { Random(rng, new Shape(batch, steps, features)) };
        if (withInitial) inputs.AddRange(Enumerable.Range(0, StateCount(kind)).Select(_ => Random(rng, new Shape(batch, units))));
        Tensor? mask = null;
        if (withMask)
        {
            var m = new float[batch * steps];
            for (int i = 0; i < m.Length; i++) m[i] = rng.Next(3) == 0 ? 0f : 1f;
            m[0] = 0f;   // sample 0 starts masked: Keras outputs zeros there, not the initial state
            mask = Tensor.FromArray(m, new Shape(batch, steps));
        }
        var outputShape = returnSequences ? new Shape(batch, steps, units) : new Shape(batch, units);
        var coefficients = new[] { Random(rng, outputShape) }
            .Concat(Enumerable.Range(0, StateCount(kind)).Select(_ => Random(rng, new Shape(batch, units)))).ToArray();

        var (fusedOutputs, fusedGradients, fusedOps) = Evaluate(fused, inputs.ToArray(), mask, coefficients);
        var (steppedOutputs, steppedGradients, steppedOps) = Evaluate(stepped, inputs.ToArray(), mask, coefficients);
        string op = kind == Kind.Lstm ? "LstmSequence" : "GruSequence";
        Assert.That(fusedOps, Does.Contain(op), "the layer ran the fused op");
        Assert.That(steppedOps, Does.Not.Contain(op), "the generic RNN stepped the cell");

        Assert.That(fusedOutputs, Has.Length.EqualTo(steppedOutputs.Length));
        for (int i = 0; i < fusedOutputs.Length; i++) KerasTestUtil.AssertClose(fusedOutputs[i], steppedOutputs[i], 1e-5, 1e-5);
        string[] names = [.. inputs.Select((_, i) => i == 0 ? "inputs" : $"initial state {i - 1}"), .. fused.Weights.Select(w => w.Name)];
        for (int i = 0; i < fusedGradients.Length; i++)
        {
            Assert.That(fusedGradients[i], Has.Length.EqualTo(steppedGradients[i].Length), names[i]);
            try
            {
                KerasTestUtil.AssertClose(fusedGradients[i], steppedGradients[i], 1e-5, 1e-4);
            }
            catch (AssertionException)
            {
                TestContext.Out.WriteLine($"gradient of {names[i]} differs");
                throw;
            }
        }
    }

    private static string[] OpsOfOneCall(RNN layer, bool training)
    {
        using var scope = TensorScope.Begin();
        layer.EnsureBuilt(new KerasShape(2, 3, 4));
        using var tape = new GradientTape();
        layer.Call(Tensor.Ones(new Shape(2, 3, 4)), training);
        return tape.Nodes.Select(n => n.Op).ToArray();
    }

    [Test]
    public void Layers_UseTheFusedOp_OnlyWhereItApplies()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OpsOfOneCall(new LSTM(3), training: true), Does.Contain("LstmSequence"));
            Assert.That(OpsOfOneCall(new GRU(3), training: true), Does.Contain("GruSequence"));
            Assert.That(OpsOfOneCall(new GRU(3, resetAfter: false), training: false), Does.Contain("GruSequence"));
            // Other activations step the cell.
            Assert.That(OpsOfOneCall(new LSTM(3, recurrentActivation: "hard_sigmoid"), training: true), Does.Not.Contain("LstmSequence"));
            Assert.That(OpsOfOneCall(new GRU(3, activation: "relu"), training: true), Does.Not.Contain("GruSequence"));
            // Dropout steps the cell in training only.
            Assert.That(OpsOfOneCall(new LSTM(3, dropout: 0.3f, seed: 1), training: true), Does.Not.Contain("LstmSequence"));
            Assert.That(OpsOfOneCall(new GRU(3, recurrentDropout: 0.3f, seed: 1), training: true), Does.Not.Contain("GruSequence"));
            Assert.That(OpsOfOneCall(new LSTM(3, dropout: 0.3f, seed: 1), training: false), Does.Contain("LstmSequence"));
        });
    }
}
