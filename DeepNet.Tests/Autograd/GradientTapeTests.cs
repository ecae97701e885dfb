using DeepNet.Autograd;
using DeepNet.Backends;
using DeepNet.Memory;

namespace DeepNet.Tests.Autograd;

public class GradientTapeTests
{
    private static Tensor Vector(params float[] values) => Tensor.FromArray(values, new Shape(values.Length), Backend.Cpu);

    [Test]
    public void Gradient_TensorUsedTwice_GradientsAccumulate()
    {
        using var scope = TensorScope.Begin();
        var x = Vector(1, -2, 3);
        using var tape = new GradientTape();
        // y = x·x + x  ⇒  dy/dx = 2x + 1
        var y = DeepNet.Ops.Add(DeepNet.Ops.Multiply(x, x), x);
        Assert.That(tape.Gradient(y, x)[0].ToArray(), Is.EqualTo(new float[] { 3, -3, 7 }));
    }

    [Test]
    public void Gradient_DiamondGraph_AccumulatesThroughBothPaths()
    {
        using var scope = TensorScope.Begin();
        var x = Vector(0.5f, 2f);
        using var tape = new GradientTape();
        var a = DeepNet.Ops.Exp(x);
        var b = DeepNet.Ops.Multiply(a, 3f);
        var c = DeepNet.Ops.Square(a);
        var y = DeepNet.Ops.Add(b, c);              // 3eˣ + e²ˣ ⇒ 3eˣ + 2e²ˣ
        var g = tape.Gradient(y, x)[0].ToArray();
        for (int i = 0; i < 2; i++)
        {
            double v = i == 0 ? 0.5 : 2;
            Assert.That(g[i], Is.EqualTo(3 * Math.Exp(v) + 2 * Math.Exp(2 * v)).Within(1e-4 * Math.Exp(2 * v)));
        }
    }

    [Test]
    public void Gradient_SourceNotUsed_ReturnsZerosOfItsShape()
    {
        using var scope = TensorScope.Begin();
        var x = Vector(1, 2);
        var unused = Tensor.Ones(new Shape(2, 3), Backend.Cpu);
        using var tape = new GradientTape();
        var y = DeepNet.Ops.Square(x);
        var g = tape.Gradient(y, x, unused);
        Assert.That(g[0].ToArray(), Is.EqualTo(new float[] { 2, 4 }));
        Assert.That(g[1].Shape, Is.EqualTo(new Shape(2, 3)));
        Assert.That(g[1].ToArray(), Is.All.EqualTo(0f));
    }

    [Test]
    public void Gradient_ListOfSources_SameAsArray()
    {
        using var scope = TensorScope.Begin();
        var a = Vector(1, 2);
        var b = Vector(3, 4);
        using var tape = new GradientTape();
        var y = DeepNet.Ops.Multiply(a, b);
        var g = tape.Gradient(y, new List<Tensor> { a, b });
        Assert.That(g[0].ToArray(), Is.EqualTo(new float[] { 3, 4 }));
        Assert.That(g[1].ToArray(), Is.EqualTo(new float[] { 1, 2 }));
    }

    [Test]
    public void Gradient_TargetIsSource_ReturnsOnes()
    {
        using var scope = TensorScope.Begin();
        var x = Vector(4, 5, 6);
        using var tape = new GradientTape();
        Assert.That(tape.Gradient(x, x)[0].ToArray(), Is.All.EqualTo(1f));
    }

    [Test]
    public void Gradient_IntermediateSource_GivesPartialDerivative()
    {
        using var scope = TensorScope.Begin();
        var x = Vector(1, 2);
        using var tape = new GradientTape();
        var h = DeepNet.Ops.Multiply(x, 3f);
        var y = DeepNet.Ops.Square(h);             // dy/dh = 2h = 6x; dy/dx = 18x
        var g = tape.Gradient(y, h, x);
        Assert.That(g[0].ToArray(), Is.EqualTo(new float[] { 6, 12 }));
        Assert.That(g[1].ToArray(), Is.EqualTo(new float[] { 18, 36 }));
    }

    [Test]
    public void Gradient_NonPersistentTape_SecondCallThrows()
    {
        using var scope = TensorScope.Begin();
        var x = Vector(1, 2);
        using var tape = new GradientTape();
        var y = DeepNet.Ops.Square(x);
        tape.Gradient(y, x);
        Assert.That(GradientTape.IsRecording, Is.False, "a non-persistent tape stops recording after Gradient");
        var e = Assert.Throws<InvalidOperationException>(() => tape.Gradient(y, x));
        Assert.That(e!.Message, Does.Contain("persistent"));
    }

    [Test]
    public void Gradient_PersistentTape_AnswersSeveralTargets()
    {
        using var scope = TensorScope.Begin();
        var x = Vector(1, 2);
        using var tape = new GradientTape(persistent: true);
        var y = DeepNet.Ops.Square(x);
        var z = DeepNet.Ops.Multiply(y, x);          // x³
        Assert.That(tape.Gradient(y, x)[0].ToArray(), Is.EqualTo(new float[] { 2, 4 }));
        Assert.That(tape.Gradient(z, x)[0].ToArray(), Is.EqualTo(new float[] { 3, 12 }));
        Assert.That(GradientTape.IsRecording, Is.True);
    }

    [Test]
    public void Constructor_WhileAnotherTapeRecords_Throws()
    {
        using var tape = new GradientTape();
        var e = Assert.Throws<InvalidOperationException>(() => new GradientTape());
        Assert.That(e!.Message, Does.Contain("already recording"));
    }

    [Test]
    public void Dispose_EndsRecording_NewTapeCanStart()
    {
        var first = new GradientTape();
        Assert.That(GradientTape.Current, Is.SameAs(first));
        first.Dispose();
        Assert.That(GradientTape.IsRecording, Is.False);
        using var second = new GradientTape();
        Assert.That(GradientTape.Current, Is.SameAs(second));
        using var scope = TensorScope.Begin();
        Assert.Throws<InvalidOperationException>(() => first.Gradient(Vector(1), Vector(1)));
    }

    [Test]
    public void StopRecording_OpsInsideAreConstants()
    {
        using var scope = TensorScope.Begin();
        var x = Vector(1, 2);
        using var tape = new GradientTape();
        Tensor constant;
        using (tape.StopRecording())
        {
            Assert.That(GradientTape.IsRecording, Is.False);
            constant = DeepNet.Ops.Square(x);
        }
        Assert.That(GradientTape.IsRecording, Is.True);
        var y = DeepNet.Ops.Multiply(constant, x);   // gradient treats x² as constant ⇒ x²
        Assert.That(tape.Gradient(y, x)[0].ToArray(), Is.EqualTo(new float[] { 1, 4 }));
    }

    [Test]
    public void StopGradient_BlocksTheGradientOfItsInput()
    {
        using var scope = TensorScope.Begin();
        var x = Vector(3, -1);
        using var tape = new GradientTape();
        var y = DeepNet.Ops.Multiply(DeepNet.Ops.StopGradient(DeepNet.Ops.Square(x)), x);
        Assert.That(tape.Gradient(y, x)[0].ToArray(), Is.EqualTo(new float[] { 9, 1 }));
    }

    [Test]
    public void Gradient_ThroughOpWithoutRule_ThrowsNamingTheOp()
    {
        using var scope = TensorScope.Begin();
        var x = Vector(1, 2);
        using var tape = new GradientTape();
        var h = DeepNet.Ops.Square(x);
        var custom = Tensor.Zeros(h.Shape, backend: Backend.Cpu);
        GradientTape.Record("MyCustomOp", custom, [h], backward: null);
        var y = DeepNet.Ops.Add(custom, 1f);
        var e = Assert.Throws<InvalidOperationException>(() => tape.Gradient(y, x));
        Assert.That(e!.Message, Does.Contain("MyCustomOp").And.Contain("no gradient rule"));
    }

    [Test]
    public void Gradient_IntegerSource_Throws()
    {
        using var scope = TensorScope.Begin();
        var x = Vector(1, 2);
        var labels = Tensor.FromArray(new[] { 1, 0 }, new Shape(2), Backend.Cpu);
        using var tape = new GradientTape();
        var y = DeepNet.Ops.Square(x);
        var e = Assert.Throws<ArgumentException>(() => tape.Gradient(y, labels));
        Assert.That(e!.Message, Does.Contain("int32"));
    }

    [Test]
    public void Gradient_FromAnotherThread_Throws()
    {
        using var scope = TensorScope.Begin();
        var x = Vector(1, 2);
        using var tape = new GradientTape();
        var y = DeepNet.Ops.Square(x);
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try { tape.Gradient(y, x); }
            catch (Exception e) { caught = e; }
        });
        thread.Start();
        thread.Join();
        Assert.That(caught, Is.TypeOf<InvalidOperationException>());
    }

    [Test]
    public void Ops_WithoutTape_RecordNothing()
    {
        Assert.That(GradientTape.Current, Is.Null);
        using var scope = TensorScope.Begin();
        var y = DeepNet.Ops.Square(Vector(1, 2));
        Assert.That(y.ToArray(), Is.EqualTo(new float[] { 1, 4 }));
        Assert.That(GradientTape.IsRecording, Is.False);
    }

    [Test]
    public void Tape_OtherThreadIsNotRecorded()
    {
        using var tape = new GradientTape();
        bool recordingElsewhere = true;
        var thread = new Thread(() => recordingElsewhere = GradientTape.IsRecording);
        thread.Start();
        thread.Join();
        Assert.That(recordingElsewhere, Is.False);
    }

    [Test]
    public void TrainingStepInScope_ReleasesEveryTemporary()
    {
        var backend = Backend.Cpu;
        var w = Tensor.FromArray(new float[] { 0.1f, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f }, new Shape(3, 2), backend);
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, new Shape(2, 3), backend);
        try
        {
            long before = backend.Memory.BuffersInUse;
            Tensor grad;
            using (var scope = TensorScope.Begin())
            {
                using var tape = new GradientTape();
                var loss = DeepNet.Ops.Mean(DeepNet.Ops.Square(DeepNet.Ops.Dense(x, w, null, ActivationKind.Relu)));
                grad = scope.Keep(tape.Gradient(loss, w)[0]);
            }
            Assert.That(backend.Memory.BuffersInUse, Is.EqualTo(before + 1), "only the kept gradient survives the step");
            grad.Dispose();
            Assert.That(backend.Memory.BuffersInUse, Is.EqualTo(before));
        }
        finally
        {
            w.Dispose();
            x.Dispose();
        }
    }
}
