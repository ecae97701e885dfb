using DeepNet.Backends;
using DeepNet.Backends.Cpu.Reference;
using static DeepNet.Tests.Cpu.ElementwiseTestSupport;

namespace DeepNet.Tests.Cpu;

public class ActivationKernelTests
{
    /// <summary>One row per activation: alpha, the kinks finite differences must avoid, tolerances.</summary>
    public sealed record ActivationCase(ActivationKind Kind, float Alpha = 0, double[]? Kinks = null, double Abs = 1e-6, double Rel = 2e-6)
    {
        public override string ToString() => Alpha == 0 ? Kind.ToString() : $"{Kind}(alpha={Alpha})";
    }

    private static readonly ActivationCase[] Cases =
    [
        new(ActivationKind.Linear),
        new(ActivationKind.Relu, Kinks: [0]),
        new(ActivationKind.Relu6, Kinks: [0, 6]),
        new(ActivationKind.LeakyRelu, 0.3f, Kinks: [0]),
        new(ActivationKind.Elu, 1f, Kinks: [0]),
        new(ActivationKind.Elu, 0.7f, Kinks: [0]),
        new(ActivationKind.Selu, Kinks: [0]),
        new(ActivationKind.Gelu),
        new(ActivationKind.GeluApproximate),
        new(ActivationKind.Sigmoid),
        new(ActivationKind.HardSigmoid, Kinks: [-3, 3]),
        new(ActivationKind.HardSigmoidKeras2, Kinks: [-2.5, 2.5]),
        new(ActivationKind.Tanh),
        new(ActivationKind.Softplus),
        new(ActivationKind.Softsign, Kinks: [0]),
        new(ActivationKind.Swish),
        new(ActivationKind.Exponential, Rel: 3e-6),
    ];

    [Test]
    public void Cases_CoverEveryActivationKind()
    {
        foreach (ActivationKind kind in Enum.GetValues<ActivationKind>())
            Assert.That(Cases.Any(c => c.Kind == kind), Is.True, $"no test row for {kind}");
    }

    [TestCaseSource(nameof(Cases))]
    public void Forward_AllLengths_MatchesFloat64Reference(ActivationCase c)
    {
        foreach (int n in Lengths())
        {
            var data = Uniform(n, 200 + n, -8, 8);
            using var x = Make(data, n);
            using var y = Tensor.Empty(x.Shape, backend: Kernels);
            Kernels.Activation(c.Kind, x, null, y, c.Alpha);
            AssertClose(y.ToArray(), Forward(c, data), c.Abs, c.Rel, $"{c} n={n}", data);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Forward_InPlace_MatchesFloat64Reference(ActivationCase c)
    {
        var data = Uniform(77, 3, -8, 8);
        using var x = Make(data, 7, 11);
        Kernels.Activation(c.Kind, x, null, x, c.Alpha);
        AssertClose(x.ToArray(), Forward(c, data), c.Abs, c.Rel, $"{c} in place", data);
    }

    private static readonly int[][] BiasShapes = [[1], [5], [3, 5], [2, 3, 7], [4, 1], [2, 0, 3], [260, 257]];

    [TestCaseSource(nameof(Cases))]
    public void Forward_WithBias_MatchesReferenceOfXPlusBias(ActivationCase c)
    {
        foreach (var shape in BiasShapes)
        {
            int channels = shape[^1];
            var data = Uniform(SizeOf(shape), 11, -6, 6);
            var bias = Uniform(channels, 12, -2, 2);
            var sum = new float[data.Length];
            for (int i = 0; i < data.Length; i++) sum[i] = data[i] + bias[i % channels];
            using var x = Make(data, shape);
            using var b = Make(bias, channels);
            using var y = Tensor.Empty(x.Shape, backend: Kernels);
            Kernels.Activation(c.Kind, x, b, y, c.Alpha);
            AssertClose(y.ToArray(), Forward(c, sum), c.Abs, c.Rel, $"{c} bias {Format(shape)}", sum);

            // The same, in place.
            Kernels.Activation(c.Kind, x, b, x, c.Alpha);
            AssertClose(x.ToArray(), Forward(c, sum), c.Abs, c.Rel, $"{c} bias in place {Format(shape)}", sum);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Forward_SpecialValues_MatchFloat64Reference(ActivationCase c)
    {
        float[] data = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 100f, -100f, 1e-30f, -1e-30f, 1e-7f, -1e-7f,
            88f, -88f, 89f, -104f, 6f, 3f, -3f, 2.5f, -2.5f];
        using var x = Make(data, data.Length);
        using var y = Tensor.Empty(x.Shape, backend: Kernels);
        Kernels.Activation(c.Kind, x, null, y, c.Alpha);
        AssertClose(y.ToArray(), Forward(c, data), 1e-30, c.Rel, $"{c} special values", data);
    }

    [TestCaseSource(nameof(Cases))]
    public void Backward_AllLengths_MatchesFloat64ReferenceDerivative(ActivationCase c)
    {
        foreach (int n in Lengths())
        {
            var data = Uniform(n, 300 + n, -8, 8);
            var grad = Uniform(n, 400 + n, -2, 2);
            using var x = Make(data, n);
            using var y = Tensor.Empty(x.Shape, backend: Kernels);
            using var dy = Make(grad, n);
            using var dx = Tensor.Empty(x.Shape, backend: Kernels);
            Kernels.Activation(c.Kind, x, null, y, c.Alpha);
            Kernels.ActivationBackward(c.Kind, x, y, dy, dx, c.Alpha);
            var expected = new double[n];
            for (int i = 0; i < n; i++) expected[i] = grad[i] * ReferenceActivations.Derivative(c.Kind, data[i], c.Alpha);
            AssertClose(dx.ToArray(), expected, 2e-6, 4e-6, $"{c} backward n={n}", data);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Backward_InPlaceIntoDy_MatchesFloat64ReferenceDerivative(ActivationCase c)
    {
        var data = Uniform(45, 21, -8, 8);
        var grad = Uniform(45, 22, -2, 2);
        using var x = Make(data, 5, 9);
        using var y = Tensor.Empty(x.Shape, backend: Kernels);
        using var dy = Make(grad, 5, 9);
        Kernels.Activation(c.Kind, x, null, y, c.Alpha);
        Kernels.ActivationBackward(c.Kind, x, y, dy, dy, c.Alpha);
        var expected = new double[45];
        for (int i = 0; i < 45; i++) expected[i] = grad[i] * ReferenceActivations.Derivative(c.Kind, data[i], c.Alpha);
        AssertClose(dy.ToArray(), expected, 2e-6, 4e-6, $"{c} backward in place", data);
    }

    [TestCaseSource(nameof(Cases))]
    public void ReferenceDerivative_MatchesCentralFiniteDifferences(ActivationCase c)
    {
        const double h = 1e-5;
        for (double x = -9; x <= 9; x += 0.01)
        {
            if (c.Kinks is not null && c.Kinks.Any(k => Math.Abs(x - k) < 2 * h)) continue;
            double fd = (ReferenceActivations.Forward(c.Kind, x + h, c.Alpha) - ReferenceActivations.Forward(c.Kind, x - h, c.Alpha)) / (2 * h);
            double d = ReferenceActivations.Derivative(c.Kind, x, c.Alpha);
            Assert.That(d, Is.EqualTo(fd).Within(1e-7 + 1e-6 * Math.Abs(fd)), $"{c} f'({x:R})");
        }
    }

    [Test]
    public void ReluBackward_AtZero_IsZero()
    {
        using var x = Make([0f, -0f, 1e-30f, -1e-30f], 4);
        using var y = Tensor.Empty(x.Shape, backend: Kernels);
        using var dy = Make([1f, 1f, 1f, 1f], 4);
        using var dx = Tensor.Empty(x.Shape, backend: Kernels);
        Kernels.Activation(ActivationKind.Relu, x, null, y);
        Kernels.ActivationBackward(ActivationKind.Relu, x, y, dy, dx);
        Assert.That(dx.ToArray(), Is.EqualTo(new float[] { 0, 0, 1, 0 }));
    }

    [Test]
    public void Relu6Backward_AtBothBoundaries_IsZero()
    {
        using var x = Make([0f, 6f, 1e-6f, 5.999f, 6.001f, -1f], 6);
        using var y = Tensor.Empty(x.Shape, backend: Kernels);
        using var dy = Make([1f, 1f, 1f, 1f, 1f, 1f], 6);
        using var dx = Tensor.Empty(x.Shape, backend: Kernels);
        Kernels.Activation(ActivationKind.Relu6, x, null, y);
        Kernels.ActivationBackward(ActivationKind.Relu6, x, y, dy, dx);
        Assert.That(dx.ToArray(), Is.EqualTo(new float[] { 0, 0, 1, 1, 0, 0 }));
    }

    [Test]
    public void Selu_UsesKerasConstants()
    {
        // scale·a·(e^-1 − 1) and scale·1 from the published constants.
        using var x = Make([-1f, 1f], 2);
        Kernels.Activation(ActivationKind.Selu, x, null, x);
        var y = x.ToArray();
        Assert.That(y[0], Is.EqualTo(1.0507009873554805 * 1.6732632423543772 * (Math.Exp(-1) - 1)).Within(1e-6));
        Assert.That(y[1], Is.EqualTo(1.0507009873554805).Within(1e-6));
    }

    [Test]
    public void Activation_BiasWrongLength_ThrowsNamingShapes()
    {
        using var x = Tensor.Zeros(new Shape(2, 5), backend: Kernels);
        using var b = Tensor.Zeros(new Shape(4), backend: Kernels);
        var e = Assert.Throws<ShapeMismatchException>(() => Kernels.Activation(ActivationKind.Relu, x, b, x));
        Assert.That(e!.Message, Does.Contain("Relu").And.Contain("(4,)").And.Contain("(2, 5)"));
    }

    [Test]
    public void ActivationBackward_ShapesDiffer_ThrowsNamingShapes()
    {
        using var x = Tensor.Zeros(new Shape(2, 5), backend: Kernels);
        using var dy = Tensor.Zeros(new Shape(5, 2), backend: Kernels);
        var e = Assert.Throws<ShapeMismatchException>(() => Kernels.ActivationBackward(ActivationKind.Tanh, x, x, dy, x));
        Assert.That(e!.Message, Does.Contain("Tanh").And.Contain("(2, 5)").And.Contain("(5, 2)"));
    }

    private static double[] Forward(ActivationCase c, float[] data)
    {
        var r = new double[data.Length];
        for (int i = 0; i < data.Length; i++) r[i] = ReferenceActivations.Forward(c.Kind, data[i], c.Alpha);
        return r;
    }
}
