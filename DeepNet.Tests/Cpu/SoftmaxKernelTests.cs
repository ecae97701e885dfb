using DeepNet.Backends.Cpu.Reference;
using static DeepNet.Tests.Cpu.ElementwiseTestSupport;

namespace DeepNet.Tests.Cpu;

public class SoftmaxKernelTests
{
    private static readonly int[][] Shapes = [[1], [5], [1, 1], [3, 5], [2, 3, 7], [4, 70], [1, 1000], [2, 1, 33], [260, 257], [3, 0]];

    private static IEnumerable<TestCaseData> Modes() => [new TestCaseData(false).SetArgDisplayNames("softmax"), new TestCaseData(true).SetArgDisplayNames("log")];

    [TestCaseSource(nameof(Modes))]
    public void Forward_Shapes_MatchFloat64Reference(bool log)
    {
        foreach (var shape in Shapes)
        {
            var data = Uniform(SizeOf(shape), 31, -20, 20);
            using var x = Make(data, shape);
            using var y = Tensor.Empty(x.Shape, backend: Kernels);
            Kernels.Softmax(x, y, log);
            var expected = ReferenceSoftmax.Forward(ToDouble(data), shape[^1], log);
            AssertClose(y.ToArray(), expected, log ? 1e-5 : 1e-7, 1e-5, $"{(log ? "log-" : "")}softmax {Format(shape)}", data);
        }
    }

    [TestCaseSource(nameof(Modes))]
    public void Forward_EveryRowLength_MatchesFloat64Reference(bool log)
    {
        for (int cols = 1; cols <= 70; cols++)
        {
            var data = Uniform(3 * cols, cols, -5, 5);
            using var x = Make(data, 3, cols);
            Kernels.Softmax(x, x, log); // in place
            var expected = ReferenceSoftmax.Forward(ToDouble(data), cols, log);
            AssertClose(x.ToArray(), expected, log ? 1e-5 : 1e-7, 1e-5, $"{(log ? "log-" : "")}softmax in place cols={cols}", data);
        }
    }

    [TestCaseSource(nameof(Modes))]
    public void Forward_ExtremeValues_StayFiniteLikeReference(bool log)
    {
        float[] data =
        [
            1000f, 1000f, -1000f, 0f,                                      // would overflow without the max shift
            -1000f, -1000f, -1000f, -1000f,                                // would underflow to 0/0
            float.NegativeInfinity, 0f, 1f, float.NegativeInfinity,        // −∞ gets probability 0
            float.NaN, 0f, 1f, 2f,                                         // NaN poisons its row only
            3e38f, -3e38f, 0f, 1f,
        ];
        using var x = Make(data, 5, 4);
        using var y = Tensor.Empty(x.Shape, backend: Kernels);
        Kernels.Softmax(x, y, log);
        var expected = ReferenceSoftmax.Forward(ToDouble(data), 4, log);
        AssertClose(y.ToArray(), expected, 1e-6, 1e-6, $"{(log ? "log-" : "")}softmax extremes", data);
    }

    [Test]
    public void Forward_Rows_SumToOne()
    {
        var data = Uniform(7 * 300, 5, -30, 30);
        using var x = Make(data, 7, 300);
        Kernels.Softmax(x, x, false);
        var y = x.ToArray();
        for (int r = 0; r < 7; r++)
        {
            double sum = 0;
            for (int j = 0; j < 300; j++) sum += y[r * 300 + j];
            Assert.That(sum, Is.EqualTo(1.0).Within(1e-6), $"row {r}");
        }
    }

    [TestCaseSource(nameof(Modes))]
    public void Backward_Shapes_MatchFloat64Reference(bool log)
    {
        foreach (var shape in Shapes)
        {
            int cols = shape[^1];
            var yd = ReferenceSoftmax.Forward(ToDouble(Uniform(SizeOf(shape), 41, -4, 4)), cols, log);
            var yf = new float[yd.Length];
            for (int i = 0; i < yd.Length; i++) yf[i] = (float)yd[i];
            var grad = Uniform(SizeOf(shape), 42, -1, 1);
            using var y = Make(yf, shape);
            using var dy = Make(grad, shape);
            using var dx = Tensor.Empty(y.Shape, backend: Kernels);
            Kernels.SoftmaxBackward(y, dy, dx, log);
            var expected = ReferenceSoftmax.Backward(ToDouble(yf), ToDouble(grad), cols, log);
            AssertClose(dx.ToArray(), expected, 1e-6, 1e-5, $"{(log ? "log-" : "")}softmax backward {Format(shape)}");

            // In place into dy, then into y.
            Kernels.SoftmaxBackward(y, dy, dy, log);
            AssertClose(dy.ToArray(), expected, 1e-6, 1e-5, $"{(log ? "log-" : "")}softmax backward into dy {Format(shape)}");
            using var dy2 = Make(grad, shape);
            Kernels.SoftmaxBackward(y, dy2, y, log);
            AssertClose(y.ToArray(), expected, 1e-6, 1e-5, $"{(log ? "log-" : "")}softmax backward into y {Format(shape)}");
        }
    }

    [TestCaseSource(nameof(Modes))]
    public void ReferenceBackward_MatchesFiniteDifferencesOfReferenceForward(bool log)
    {
        // L = Σ dy·f(x); dL/dx_k by central differences against Backward(f(x), dy).
        const int cols = 6;
        var x = ToDouble(Uniform(2 * cols, 51, -3, 3));
        var dy = ToDouble(Uniform(2 * cols, 52, -1, 1));
        var analytic = ReferenceSoftmax.Backward(ReferenceSoftmax.Forward(x, cols, log), dy, cols, log);
        const double h = 1e-6;
        for (int k = 0; k < x.Length; k++)
        {
            var xp = (double[])x.Clone();
            var xm = (double[])x.Clone();
            xp[k] += h;
            xm[k] -= h;
            var fp = ReferenceSoftmax.Forward(xp, cols, log);
            var fm = ReferenceSoftmax.Forward(xm, cols, log);
            double fd = 0;
            for (int i = 0; i < x.Length; i++) fd += dy[i] * (fp[i] - fm[i]) / (2 * h);
            Assert.That(analytic[k], Is.EqualTo(fd).Within(1e-7), $"d/dx[{k}]");
        }
    }

    [Test]
    public void Softmax_ShapesDiffer_ThrowsNamingShapes()
    {
        using var x = Tensor.Zeros(new Shape(2, 5), backend: Kernels);
        using var y = Tensor.Zeros(new Shape(10), backend: Kernels);
        var e = Assert.Throws<ShapeMismatchException>(() => Kernels.Softmax(x, y, false));
        Assert.That(e!.Message, Does.Contain("Softmax").And.Contain("(2, 5)").And.Contain("(10,)"));
        var eb = Assert.Throws<ShapeMismatchException>(() => Kernels.SoftmaxBackward(x, y, x, true));
        Assert.That(eb!.Message, Does.Contain("LogSoftmaxBackward").And.Contain("(2, 5)").And.Contain("(10,)"));
    }
}
