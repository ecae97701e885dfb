using DeepNet.Autograd;
using DeepNet.Backends;
using DeepNet.Memory;
using DeepNet.Tests.Autograd;
using static DeepNet.Tests.Keras.Layers.RecurrentReference;

namespace DeepNet.Tests.OpTests;

/// <summary>
/// Ops.LstmSequence and Ops.GruSequence against the float64 loops of <see cref="DeepNet.Tests.Keras.Layers.RecurrentReference"/>:
/// the float32 forward, and the hand-written backward through time against central finite
/// differences of the float64 forward, for the outputs and the final states together.
/// </summary>
public class RecurrenceTests
{
    /// <summary>The op under test: outputs (flattened per sample) then each final state, side by side per sample.</summary>
    private static Tensor RunOp(Kind kind, Tensor[] x, int batch, bool withInitial, Tensor? mask, bool goBackwards, bool returnSequences)
    {
        Tensor? h0 = withInitial ? x[4] : null;
        var (outputs, states) = kind == Kind.Lstm
            ? DeepNet.Ops.LstmSequence(x[0], x[1], x[2], x[3], h0, withInitial ? x[5] : null, mask, goBackwards, returnSequences)
            : DeepNet.Ops.GruSequence(x[0], x[1], x[2], x[3], kind == Kind.GruResetAfter, h0, mask, goBackwards, returnSequences);
        return DeepNet.Ops.Concat([DeepNet.Ops.Reshape(outputs, batch, -1), .. states], 1);
    }

    /// <summary>The same layout from the float64 reference.</summary>
    private static double[] RunReference(Kind kind, double[][] x, int batch, int steps, int features, int units, bool withInitial,
        double[]? mask, bool goBackwards, bool returnSequences)
    {
        double[][]? initial = !withInitial ? null : kind == Kind.Lstm ? [x[4], x[5]] : [x[4]];
        var (sequence, states) = Run(kind, x[0], batch, steps, features, units, x[1], x[2], x[3], mask, goBackwards, initial);
        var result = new List<double>();
        for (int b = 0; b < batch; b++)
        {
            for (int k = returnSequences ? 0 : steps - 1; k < steps; k++)
                for (int i = 0; i < units; i++) result.Add(sequence[(b * steps + k) * units + i]);
            foreach (var s in states)
                for (int i = 0; i < units; i++) result.Add(s[b * units + i]);
        }
        return result.ToArray();
    }

    [TestCase(Kind.Lstm, false, false, false, true, 2)]
    [TestCase(Kind.Lstm, true, true, true, false, 3)]
    [TestCase(Kind.Lstm, false, true, true, true, 3)]
    [TestCase(Kind.Lstm, true, false, true, true, 1)]
    [TestCase(Kind.GruResetAfter, false, false, false, false, 2)]
    [TestCase(Kind.GruResetAfter, true, true, true, true, 3)]
    [TestCase(Kind.GruResetAfter, false, true, false, true, 1)]
    [TestCase(Kind.GruResetBefore, false, false, true, true, 2)]
    [TestCase(Kind.GruResetBefore, true, true, true, false, 3)]
    [TestCase(Kind.GruResetBefore, false, true, false, true, 3)]
    public void Sequence_ForwardAndGradients_MatchFloat64FiniteDifferences(Kind kind, bool goBackwards, bool withMask, bool withInitial,
        bool returnSequences, int batch)
    {
        const int steps = 4, features = 3, units = 5;
        int width = Gates(kind) * units;
        var shapes = new List<Shape>
        {
            new(batch, steps, features), new(features, width), new(units, width),
            kind == Kind.GruResetAfter ? new Shape(2, width) : new Shape(width),
        };
        if (withInitial) shapes.AddRange(Enumerable.Repeat(new Shape(batch, units), StateCount(kind)));
        var mask = withMask ? MakeMask(batch, steps) : null;
        string name = $"{kind} backwards={goBackwards} mask={withMask} initial={withInitial} sequences={returnSequences} batch={batch}";
        GradientCheck.Check(name,
            x =>
            {
                var m = mask is null ? null : GradientCheck.ToTensor(mask, new Shape(batch, steps));
                return RunOp(kind, x, batch, withInitial, m, goBackwards, returnSequences);
            },
            x => RunReference(kind, x, batch, steps, features, units, withInitial, mask, goBackwards, returnSequences),
            shapes.ToArray(), seed: 11 + batch, tolerance: 1e-3);
    }

    [TestCase(Kind.Lstm)]
    [TestCase(Kind.GruResetAfter)]
    [TestCase(Kind.GruResetBefore)]
    public void Sequence_ZeroOutputForMask_OutputsZerosAtMaskedStepsAndKeepsStates(Kind kind)
    {
        const int batch = 3, steps = 5, features = 2, units = 3;
        int width = Gates(kind) * units;
        var rng = new Random(5);
        var mask = MakeMask(batch, steps);
        double[][] x =
        [
            GradientCheck.Uniform(rng, batch * steps * features), GradientCheck.Uniform(rng, features * width),
            GradientCheck.Uniform(rng, units * width), GradientCheck.Uniform(rng, BiasLength(kind, units)),
        ];
        x = Array.ConvertAll(x, v => Array.ConvertAll(v, d => (double)(float)d));
        var (sequence, states) = Run(kind, x[0], batch, steps, features, units, x[1], x[2], x[3], mask, goBackwards: true);
        using var scope = TensorScope.Begin();
        var biasShape = kind == Kind.GruResetAfter ? new Shape(2, width) : new Shape(width);
        var t = new[] { new Shape(batch, steps, features), new Shape(features, width), new Shape(units, width), biasShape }
            .Select((s, i) => GradientCheck.ToTensor(x[i], s)).ToArray();
        var maskTensor = GradientCheck.ToTensor(mask, new Shape(batch, steps));
        var (outputs, finalStates) = kind == Kind.Lstm
            ? DeepNet.Ops.LstmSequence(t[0], t[1], t[2], t[3], mask: maskTensor, goBackwards: true, returnSequences: true, zeroOutputForMask: true)
            : DeepNet.Ops.GruSequence(t[0], t[1], t[2], t[3], kind == Kind.GruResetAfter, mask: maskTensor, goBackwards: true,
                returnSequences: true, zeroOutputForMask: true);
        // Keras: the step's output times its mask; output k of a backwards layer belongs to timestep steps-1-k.
        var expected = new double[sequence.Length];
        for (int b = 0; b < batch; b++)
            for (int k = 0; k < steps; k++)
                for (int i = 0; i < units; i++)
                    expected[(b * steps + k) * units + i] = sequence[(b * steps + k) * units + i] * mask[b * steps + steps - 1 - k];
        GradientCheck.AssertClose("outputs", expected, outputs.ToArray(), 1e-5);
        for (int s = 0; s < states.Length; s++) GradientCheck.AssertClose($"state {s}", states[s], finalStates[s].ToArray(), 1e-5);
    }

    [Test]
    public void Sequence_RecordsOneTapeNodeForTheRecurrence()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Ones(new Shape(2, 7, 3));
        using var tape = new GradientTape();
        DeepNet.Ops.LstmSequence(x, Tensor.Ones(new Shape(3, 8)), Tensor.Ones(new Shape(2, 8)), null);
        Assert.That(tape.Nodes.Count(n => n.Op == "LstmSequence"), Is.EqualTo(1));
        Assert.That(tape.Nodes.Count(n => n.Op == "MatMul"), Is.Zero);
    }

    [Test]
    public void Sequence_BadShapes_ThrowNamingTheOpAndShapes()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(new Shape(2, 4, 3));
        var kernel = Tensor.Zeros(new Shape(3, 20));
        var recurrent = Tensor.Zeros(new Shape(5, 20));
        var e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.LstmSequence(x, Tensor.Zeros(new Shape(4, 20)), recurrent, null));
        Assert.That(e!.Message, Does.Contain("LstmSequence").And.Contain("(4, 20)").And.Contain("(3, 20)"));
        e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.LstmSequence(x, kernel, recurrent, Tensor.Zeros(new Shape(2, 20))));
        Assert.That(e!.Message, Does.Contain("bias").And.Contain("(20,)"));
        e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.GruSequence(x, Tensor.Zeros(new Shape(3, 15)), Tensor.Zeros(new Shape(5, 15)),
            Tensor.Zeros(new Shape(15)), resetAfter: true));
        Assert.That(e!.Message, Does.Contain("GruSequence").And.Contain("(2, 15)"));
        e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.LstmSequence(x, kernel, recurrent, null, mask: Tensor.Zeros(new Shape(2, 5))));
        Assert.That(e!.Message, Does.Contain("mask").And.Contain("(2, 5)"));
        e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.LstmSequence(Tensor.Zeros(new Shape(2, 0, 3)), kernel, recurrent, null));
        Assert.That(e!.Message, Does.Contain("at least one timestep"));
        e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.LstmSequence(x, kernel, recurrent, null, Tensor.Zeros(new Shape(3, 5))));
        Assert.That(e!.Message, Does.Contain("initial h").And.Contain("(2, 5)"));
    }
}
