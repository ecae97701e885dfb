using DeepNet.Memory;
using DeepNet.Tests.Autograd;
using static DeepNet.Tests.Autograd.Float64;

namespace DeepNet.Tests.OpTests;

public class LayoutTests
{
    private static Shape S(params int[] d) => new(d);

    [Test]
    public void Reshape_IsViewAndGradientReshapesBack()
    {
        GradientCheck.Check("Reshape", x => DeepNet.Ops.Square(DeepNet.Ops.Reshape(x[0], 3, -1)),
            x => Map(x[0], v => v * v), [S(2, 3, 2)]);
    }

    [Test]
    public void ExpandDimsSqueezeFlatten_ShapesAndGradients()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(S(2, 1, 3));
        Assert.That(DeepNet.Ops.ExpandDims(x, -1).Shape, Is.EqualTo(S(2, 1, 3, 1)));
        Assert.That(DeepNet.Ops.ExpandDims(x, 0).Shape, Is.EqualTo(S(1, 2, 1, 3)));
        Assert.That(DeepNet.Ops.Squeeze(x).Shape, Is.EqualTo(S(2, 3)));
        Assert.That(DeepNet.Ops.Squeeze(x, 1).Shape, Is.EqualTo(S(2, 3)));
        Assert.That(DeepNet.Ops.Flatten(Tensor.Zeros(S(2, 3, 4))).Shape, Is.EqualTo(S(2, 12)));
        Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.Squeeze(x, 0));
        GradientCheck.Check("Squeeze+ExpandDims", t => DeepNet.Ops.Exp(DeepNet.Ops.ExpandDims(DeepNet.Ops.Squeeze(t[0]), 1)),
            t => Map(t[0], Math.Exp), [S(2, 1, 3)]);
    }

    [Test]
    public void Transpose_Rank3_MatchesFiniteDifferences()
    {
        int[] shape = [2, 3, 4];
        foreach (var perm in new[] { new[] { 2, 0, 1 }, new[] { 0, 2, 1 }, new[] { 1, 0, 2 } })
            GradientCheck.Check($"Transpose ({string.Join(",", perm)})", x => DeepNet.Ops.Transpose(x[0], perm),
                x => Float64.Transpose(x[0], shape, perm), [S(shape)]);
    }

    [Test]
    public void Transpose_NotAPermutation_Throws()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(S(2, 3));
        Assert.Throws<ArgumentException>(() => DeepNet.Ops.Transpose(x, 0, 0));
        Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.Transpose(x, 0, 1, 2));
    }

    [Test]
    public void Concat_ThreeInputsMiddleAxis_GradientSlicesBack()
    {
        int[][] shapes = [[2, 1, 3], [2, 4, 3], [2, 2, 3]];
        GradientCheck.Check("Concat axis 1", x => DeepNet.Ops.Concat(x, 1),
            x => Float64.Gather([2, 7, 3], idx =>
            {
                int j = idx[1], part = 0;
                while (j >= shapes[part][1]) j -= shapes[part++][1];
                return At(x[part], shapes[part], [idx[0], j, idx[2]]);
            }),
            Array.ConvertAll(shapes, s => S(s)));
    }

    [Test]
    public void Concat_LastAxisAndSameTensorTwice_GradientsAccumulate()
    {
        // concat([x, x], -1): each element of x appears twice.
        GradientCheck.Check("Concat x twice", x => DeepNet.Ops.Concat([x[0], x[0]], -1),
            x => Float64.Gather([2, 6], idx => At(x[0], [2, 3], [idx[0], idx[1] % 3])), [S(2, 3)]);
    }

    [Test]
    public void Concat_MismatchedShapes_ThrowsNamingShapes()
    {
        using var scope = TensorScope.Begin();
        var a = Tensor.Zeros(S(2, 3));
        var b = Tensor.Zeros(S(3, 3));
        var e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.Concat([a, b], 1));
        Assert.That(e!.Message, Does.StartWith("Concat:").And.Contain("(2, 3)").And.Contain("(3, 3)"));
    }

    [Test]
    public void Stack_NewAxis_MatchesFiniteDifferences()
    {
        GradientCheck.Check("Stack axis 1", x => DeepNet.Ops.Stack([x[0], x[1]], 1),
            x => Float64.Gather([2, 2, 3], idx => At(x[idx[1]], [2, 3], [idx[0], idx[2]])), [S(2, 3), S(2, 3)]);
    }

    [Test]
    public void Slice_InteriorBlock_GradientPadsWithZeros()
    {
        int[] begin = [1, 0, 2], size = [2, -1, 2];
        GradientCheck.Check("Slice", x => DeepNet.Ops.Slice(x[0], begin, size),
            x => Float64.Gather([2, 3, 2], idx => At(x[0], [4, 3, 5], [idx[0] + 1, idx[1], idx[2] + 2])), [S(4, 3, 5)]);
    }

    [Test]
    public void Split_ThreeEqualParts_EachPartGetsItsGradient()
    {
        GradientCheck.Check("Split", x =>
            {
                var parts = DeepNet.Ops.Split(x[0], 3, -1);
                Assert.That(parts[0].Shape, Is.EqualTo(S(2, 2)));
                // Weight the parts differently so a mix-up would show.
                return DeepNet.Ops.Add(DeepNet.Ops.Add(parts[0], DeepNet.Ops.Multiply(parts[1], 2f)), DeepNet.Ops.Square(parts[2]));
            },
            x => Float64.Gather([2, 2], idx =>
                At(x[0], [2, 6], [idx[0], idx[1]]) + 2 * At(x[0], [2, 6], [idx[0], idx[1] + 2]) + Math.Pow(At(x[0], [2, 6], [idx[0], idx[1] + 4]), 2)),
            [S(2, 6)]);
        using var scope = TensorScope.Begin();
        Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.Split(Tensor.Zeros(S(2, 5)), 2));
    }

    [Test]
    public void Repeat_MiddleAxis_GradientSumsRepeats()
    {
        GradientCheck.Check("Repeat", x => DeepNet.Ops.Repeat(x[0], 3, 1),
            x => Float64.Gather([2, 6, 2], idx => At(x[0], [2, 2, 2], [idx[0], idx[1] / 3, idx[2]])), [S(2, 2, 2)]);
    }

    [Test]
    public void Slice_OutOfBounds_ThrowsNamingShape()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.Zeros(S(4, 3));
        var e = Assert.Throws<ShapeMismatchException>(() => DeepNet.Ops.Slice(x, [3, 0], [2, 3]));
        Assert.That(e!.Message, Does.StartWith("Slice:").And.Contain("(4, 3)"));
    }

    [Test]
    public void Pad_ConstantValue_GradientSlicesInterior()
    {
        int[] before = [0, 2, 1], after = [1, 0, 2];
        GradientCheck.Check("Pad", x => DeepNet.Ops.Pad(x[0], before, after, 0.5f),
            x => Float64.Gather([3, 5, 7], idx =>
            {
                int a = idx[0], b = idx[1] - 2, c = idx[2] - 1;
                return a < 2 && b >= 0 && b < 3 && c >= 0 && c < 4 ? At(x[0], [2, 3, 4], [a, b, c]) : 0.5;
            }), [S(2, 3, 4)]);
    }

    [Test]
    public void Tile_Repeats_GradientSumsCopies()
    {
        GradientCheck.Check("Tile", x => DeepNet.Ops.Tile(x[0], 2, 1, 3),
            x => Float64.Gather([4, 3, 6], idx => At(x[0], [2, 3, 2], [idx[0] % 2, idx[1], idx[2] % 2])), [S(2, 3, 2)]);
    }

    [Test]
    public void BroadcastTo_NewAndSizeOneAxes_GradientSumsBack()
    {
        GradientCheck.Check("BroadcastTo", x => DeepNet.Ops.BroadcastTo(x[0], S(2, 4, 3)),
            x => Float64.Gather([2, 4, 3], idx => At(x[0], [4, 1], [idx[1], 0])), [S(4, 1)]);
    }

    [Test]
    public void CastCopyStopGradient_Gradients()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray(new float[] { 1.7f, -2.2f, 3 });
        using var tape = new DeepNet.Autograd.GradientTape();
        var asInt = DeepNet.Ops.Cast(x, DType.Int32);
        Assert.That(asInt.ToArray<int>(), Is.EqualTo(new[] { 1, -2, 3 }));
        var copy = DeepNet.Ops.Copy(x);
        var cast = DeepNet.Ops.Cast(x, DType.Float32);
        var stopped = DeepNet.Ops.StopGradient(x);
        Assert.That(stopped.ToArray(), Is.EqualTo(x.ToArray()));
        var y = DeepNet.Ops.Add(DeepNet.Ops.Add(DeepNet.Ops.Multiply(copy, 2f), cast), DeepNet.Ops.Square(stopped));
        Assert.That(tape.Gradient(y, x)[0].ToArray(), Is.All.EqualTo(3f));
    }

    [Test]
    public void ZerosOnesFullLike_MatchShapeAndDType()
    {
        using var scope = TensorScope.Begin();
        var x = Tensor.FromArray(new[] { 1, 2, 3, 4 }, S(2, 2));
        Assert.That(DeepNet.Ops.ZerosLike(x).ToArray<int>(), Is.All.EqualTo(0));
        Assert.That(DeepNet.Ops.OnesLike(x).ToArray<int>(), Is.All.EqualTo(1));
        var f = DeepNet.Ops.FullLike(Tensor.Zeros(S(3)), 2.5f);
        Assert.That(f.ToArray(), Is.All.EqualTo(2.5f));
    }
}
