using DeepNet.Memory;

namespace DeepNet.Tests.Core;

public class TensorTests
{
    [Test]
    public void Constructor_From2DArray_KeepsRowMajorOrder()
    {
        using var t = new Tensor(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.That(t.Shape, Is.EqualTo(new Shape(2, 3)));
        Assert.That(t.ToArray(), Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6 }));
        Assert.That(t.ToArray2D()[1, 0], Is.EqualTo(4f));
    }

    [Test]
    public void Constructor_From4DArray_RoundTrips()
    {
        var data = new float[2, 3, 4, 5];
        var rng = new Random(1);
        for (int a = 0; a < 2; a++) for (int b = 0; b < 3; b++) for (int c = 0; c < 4; c++) for (int d = 0; d < 5; d++)
            data[a, b, c, d] = (float)rng.NextDouble();
        using var t = new Tensor(data);
        Assert.That(t.ToArray4D(), Is.EqualTo(data));
    }

    [Test]
    public void Reshape_IsAViewSharingMemory()
    {
        using var t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, new Shape(2, 3));
        using var v = t.Reshape(3, -1);
        Assert.That(v.Shape, Is.EqualTo(new Shape(3, 2)));
        t.Backend.Fill(t, 7f);
        Assert.That(v.ToArray(), Is.All.EqualTo(7f));
    }

    [Test]
    public void Reshape_WrongSize_NamesBothShapes()
    {
        using var t = Tensor.Zeros(new Shape(2, 3));
        var e = Assert.Throws<ShapeMismatchException>(() => t.Reshape(4, 2));
        Assert.That(e!.Message, Does.Contain("(4, 2)").And.Contain("6"));
    }

    [Test]
    public void FromArray_WrongCount_NamesShape()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.FromArray(new float[5], new Shape(2, 3)));
        Assert.That(e!.Message, Does.Contain("(2, 3)").And.Contain("5"));
    }

    [Test]
    public void Scope_ReleasesTensorsNotKept()
    {
        var before = DeepNet.Backends.Backend.Cpu.Memory.BuffersInUse;
        Tensor kept;
        using (var scope = TensorScope.Begin())
        {
            var a = Tensor.Zeros(new Shape(10), backend: DeepNet.Backends.Backend.Cpu);
            var b = Tensor.Zeros(new Shape(10), backend: DeepNet.Backends.Backend.Cpu);
            kept = scope.Keep(Tensor.Ones(new Shape(3), DeepNet.Backends.Backend.Cpu));
            Assert.That(a.IsDisposed, Is.False);
            Assert.That(b.IsDisposed, Is.False);
        }
        Assert.That(kept.IsDisposed, Is.False);
        Assert.That(kept.ToArray(), Is.EqualTo(new float[] { 1, 1, 1 }));
        kept.Dispose();
        Assert.That(DeepNet.Backends.Backend.Cpu.Memory.BuffersInUse, Is.EqualTo(before));
    }

    [Test]
    public void Shape_ToString_UsesPythonTupleNotation()
    {
        Assert.That(new Shape(5).ToString(), Is.EqualTo("(5,)"));
        Assert.That(new Shape(2, 3).ToString(), Is.EqualTo("(2, 3)"));
        Assert.That(Shape.Scalar.ToString(), Is.EqualTo("()"));
    }

    [Test]
    public void Broadcast_IncompatibleShapes_NamesBoth()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Shape.Broadcast(new Shape(2, 3), new Shape(4, 3), "Add"));
        Assert.That(e!.Message, Does.StartWith("Add:").And.Contain("(2, 3)").And.Contain("(4, 3)"));
    }
}
