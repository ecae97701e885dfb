using DeepNet.Backends;
using DeepNet.Backends.Cpu;
using DeepNet.Backends.Cpu.Reference;

namespace DeepNet.Tests.Cpu;

/// <summary>CPU convolution kernels against the float64 definitions in <see cref="ReferenceConv"/>.</summary>
public class ConvKernelTests
{
    private static readonly CpuBackend Cpu = new(threads: 2);

    /// <summary>One convolution: input size, kernel, strides, dilation, padding, groups.</summary>
    public sealed record Case(
        string Name, int N, int H, int W, int Cin, int KH, int KW, int Cout,
        (int H, int W) Strides, (int H, int W) Dilation, Padding Padding, int Groups = 1)
    {
        public ConvSpec Spec => ConvSpec.Create(H, W, KH, KW, Strides, Dilation, Padding, Groups);

        public ReferenceConv.Dims Dims => new(N, H, W, Cin, KH, KW, Cout, Spec);

        public override string ToString() => Name;
    }

    public static readonly Case[] Cases =
    [
        new("Batch1_3x3_Valid", 1, 5, 5, 3, 3, 3, 4, (1, 1), (1, 1), Padding.Valid),
        new("Batch3_3x3_Stride2_Same", 3, 7, 7, 4, 3, 3, 6, (2, 2), (1, 1), Padding.Same),
        new("5x5_Stride3_Same", 1, 13, 13, 2, 5, 5, 3, (3, 3), (1, 1), Padding.Same),
        new("2x5_Dilation2_Same_NonSquare", 3, 7, 5, 3, 2, 5, 2, (1, 1), (2, 2), Padding.Same),
        new("5x5_Stride2_Valid", 3, 13, 13, 2, 5, 5, 4, (2, 2), (1, 1), Padding.Valid),
        new("Pointwise1x1", 3, 5, 5, 4, 1, 1, 5, (1, 1), (1, 1), Padding.Valid),
        new("1x1_Stride2", 1, 7, 7, 4, 1, 1, 4, (2, 2), (1, 1), Padding.Valid),
        new("SizeOne", 1, 1, 1, 3, 1, 1, 2, (1, 1), (1, 1), Padding.Valid),
        new("3x3_Same_OnSizeOne", 3, 1, 1, 2, 3, 3, 3, (1, 1), (1, 1), Padding.Same),
        new("Groups2_3x3_Same", 3, 7, 7, 4, 3, 3, 6, (1, 1), (1, 1), Padding.Same, 2),
        new("Groups3_2x5_Stride2x1_Same", 1, 5, 13, 6, 2, 5, 6, (2, 1), (1, 1), Padding.Same, 3),
        new("Depthwise_3x3_Stride2_Same", 1, 13, 7, 4, 3, 3, 4, (2, 2), (1, 1), Padding.Same, 4),
        new("Depthwise_Multiplier2_Dilation2_Same", 3, 5, 7, 3, 3, 3, 6, (1, 1), (2, 2), Padding.Same, 3),
        new("Depthwise_5x5_Valid", 3, 7, 7, 5, 5, 5, 5, (1, 1), (1, 1), Padding.Valid, 5),
        new("Conv1D_Stride2_Dilation2_Same", 1, 1, 13, 4, 1, 5, 3, (1, 2), (1, 2), Padding.Same),
        new("Conv1D_Dilation2_Valid", 3, 1, 7, 2, 1, 3, 2, (1, 1), (1, 2), Padding.Valid),
        new("Conv1D_Causal", 1, 1, 13, 3, 1, 3, 2, (1, 1), (1, 2), Padding.Causal),
        // Several im2col bands per image (OW·KH·KW·Cin·rows above the band budget).
        new("ManyBands_3x3_Same", 2, 40, 30, 32, 3, 3, 2, (1, 1), (1, 1), Padding.Same),
        new("ManyBands_Groups2_Stride2", 1, 121, 30, 64, 3, 3, 2, (2, 1), (1, 1), Padding.Valid, 2),
    ];

    [TestCaseSource(nameof(Cases))]
    public void ConvForward_MatchesFloat64Reference(Case c)
    {
        var o = new Operands(c.Dims, seed: 11);
        ConvTestData.AssertClose(o.Forward(Cpu, c.Spec), ReferenceConv.Forward(o.X, o.K, c.Dims), $"ConvForward {c}");
    }

    [TestCaseSource(nameof(Cases))]
    public void ConvBackwardData_MatchesFloat64Reference(Case c)
    {
        var o = new Operands(c.Dims, seed: 12);
        ConvTestData.AssertClose(o.BackwardData(Cpu, c.Spec), ReferenceConv.BackwardData(o.Dy, o.K, c.Dims), $"ConvBackwardData {c}");
    }

    [TestCaseSource(nameof(Cases))]
    public void ConvBackwardFilter_MatchesFloat64Reference(Case c)
    {
        var o = new Operands(c.Dims, seed: 13);
        ConvTestData.AssertClose(o.BackwardFilter(Cpu, c.Spec), ReferenceConv.BackwardFilter(o.X, o.Dy, c.Dims), $"ConvBackwardFilter {c}");
    }

    /// <summary>
    /// The backward kernels are the adjoints of the forward one: ⟨conv(x, K), dy⟩ = ⟨x, dx(dy, K)⟩ = ⟨K, dK(x, dy)⟩.
    /// Independent of the reference, with sums in double.
    /// </summary>
    [TestCaseSource(nameof(Cases))]
    public void ConvBackward_IsAdjointOfForward(Case c)
    {
        var o = new Operands(c.Dims, seed: 14);
        float[] y = o.Forward(Cpu, c.Spec), dx = o.BackwardData(Cpu, c.Spec), dk = o.BackwardFilter(Cpu, c.Spec);

        double yDy = ConvTestData.Dot(y, o.Dy), xDx = ConvTestData.Dot(dx, o.X), kDk = ConvTestData.Dot(dk, o.K);
        double tolerance = 1e-5 * (1 + ConvTestData.Dot(ConvTestData.Abs(y), ConvTestData.Abs(o.Dy)));
        Assert.That(xDx, Is.EqualTo(yDy).Within(tolerance), $"<x, dx> vs <y, dy> for {c}");
        Assert.That(kDk, Is.EqualTo(yDy).Within(tolerance), $"<K, dK> vs <y, dy> for {c}");
    }

    /// <summary>Conv2DTranspose: dx larger than the smallest input giving dy (Keras output_padding); extra cells get only what the math gives.</summary>
    [TestCase(2, 4, 5, 3, 2, 3, 3, 2, 2, 10, 12, Padding.Valid, TestName = "ConvBackwardData_TransposedValidStride2OutputPadding1_MatchesReference")]
    [TestCase(1, 3, 3, 4, 3, 3, 3, 3, 3, 11, 9, Padding.Valid, TestName = "ConvBackwardData_TransposedStride3OutputPadding2_MatchesReference")]
    [TestCase(3, 4, 5, 2, 3, 3, 3, 2, 2, 8, 10, Padding.Same, TestName = "ConvBackwardData_TransposedSameStride2_MatchesReference")]
    [TestCase(1, 4, 5, 2, 2, 4, 4, 2, 2, 7, 9, Padding.Same, TestName = "ConvBackwardData_TransposedSame4x4OddOutput_MatchesReference")]
    public void ConvBackwardData_TransposedConvolutionShapes(int n, int oh, int ow, int cout, int cin, int kh, int kw, int sh, int sw, int h, int w, Padding padding)
    {
        var spec = ConvSpec.Create(h, w, kh, kw, (sh, sw), (1, 1), padding);
        var d = new ReferenceConv.Dims(n, h, w, cin, kh, kw, cout, spec);
        Assert.That((d.OH, d.OW), Is.EqualTo((oh, ow)), "test case geometry");
        var o = new Operands(d, seed: 15);
        ConvTestData.AssertClose(o.BackwardData(Cpu, spec), ReferenceConv.BackwardData(o.Dy, o.K, d), "transposed conv");
    }

    [Test]
    public void ConvKernels_ResultsDoNotDependOnThreadCount()
    {
        var c = Cases.Single(k => k.Name == "ManyBands_3x3_Same");
        var o = new Operands(c.Dims, seed: 16);

        CpuBackend one = new(threads: 1), three = new(threads: 3);

        Assert.That(o.Forward(three, c.Spec), Is.EqualTo(o.Forward(one, c.Spec)), "y");
        Assert.That(o.BackwardData(three, c.Spec), Is.EqualTo(o.BackwardData(one, c.Spec)), "dx");
        Assert.That(o.BackwardFilter(three, c.Spec), Is.EqualTo(o.BackwardFilter(one, c.Spec)), "dK");
    }

    public enum Kernel { Forward, BackwardData, BackwardFilter }

    /// <summary>
    /// Bad operands for a 3×3 valid convolution of 5×5 images, in the kernel's argument order
    /// (Forward: x, K, y; BackwardData: dy, K, dx; BackwardFilter: x, dy, dK), and what the message must name.
    /// </summary>
    public static IEnumerable<TestCaseData> WrongShapes()
    {
        static TestCaseData Case(string name, Kernel kernel, int[] a, int[] b, int[] c, params string[] named) =>
            new TestCaseData(kernel, a, b, c, named).SetName(name);

        yield return Case("ConvForward_WrongInputChannels_NamesKernelAndX", Kernel.Forward,
            [2, 5, 5, 3], [3, 3, 4, 8], [2, 3, 3, 8], "ConvForward", "(3, 3, 4, 8)", "(2, 5, 5, 3)");
        yield return Case("ConvForward_WrongOutputSize_NamesExpectedAndActual", Kernel.Forward,
            [2, 5, 5, 3], [3, 3, 3, 8], [2, 5, 5, 8], "(2, 3, 3, 8)", "(2, 5, 5, 8)");
        yield return Case("ConvBackwardFilter_KernelOfRank3_Throws", Kernel.BackwardFilter,
            [1, 5, 5, 3], [1, 3, 3, 8], [3, 3, 24], "ConvBackwardFilter", "(3, 3, 24)");
        yield return Case("ConvBackwardData_DyNotMatchingDx_Throws", Kernel.BackwardData,
            [1, 4, 4, 8], [3, 3, 3, 8], [1, 5, 5, 3], "(1, 4, 4, 8)", "(1, 3, 3, 8)");
    }

    [TestCaseSource(nameof(WrongShapes))]
    public void ConvKernel_WrongShapes_ThrowNamingTheShapes(Kernel kernel, int[] a, int[] b, int[] c, string[] named)
    {
        using var ta = Tensor.Zeros(new Shape(a), backend: Cpu);
        using var tb = Tensor.Zeros(new Shape(b), backend: Cpu);
        using var tc = Tensor.Zeros(new Shape(c), backend: Cpu);
        var spec = ConvSpec.Create(5, 5, 3, 3, (1, 1), (1, 1), Padding.Valid);
        Action call = kernel switch
        {
            Kernel.Forward => () => Cpu.ConvForward(ta, tb, tc, spec),
            Kernel.BackwardData => () => Cpu.ConvBackwardData(ta, tb, tc, spec),
            _ => () => Cpu.ConvBackwardFilter(ta, tb, tc, spec),
        };

        var e = Assert.Throws<ShapeMismatchException>(call);

        foreach (var part in named) Assert.That(e!.Message, Does.Contain(part));
    }

    /// <summary>
    /// Seeded random x, K and dy for one convolution (float32 values held in double), and the
    /// kernels run on them with NaN-filled destinations (so a cell a kernel skips shows).
    /// </summary>
    private sealed class Operands
    {
        private readonly ReferenceConv.Dims d;

        public Operands(ReferenceConv.Dims dims, int seed)
        {
            d = dims;
            var rng = new Random(seed);
            X = ConvTestData.Random(rng, d.N * d.H * d.W * d.Cin);
            K = ConvTestData.Random(rng, d.KH * d.KW * d.GroupIn * d.Cout);
            Dy = ConvTestData.Random(rng, d.N * d.OH * d.OW * d.Cout);
        }

        public double[] X { get; }

        public double[] K { get; }

        public double[] Dy { get; }

        /// <summary>y = conv(x, K).</summary>
        public float[] Forward(IBackend backend, ConvSpec spec)
        {
            using var x = ConvTestData.Upload(backend, X, d.N, d.H, d.W, d.Cin);
            using var k = UploadK(backend);
            using var y = ConvTestData.Garbage(backend, d.N, d.OH, d.OW, d.Cout);
            backend.ConvForward(x, k, y, spec);
            return y.ToArray();
        }

        /// <summary>dx from dy and K.</summary>
        public float[] BackwardData(IBackend backend, ConvSpec spec)
        {
            using var dy = UploadDy(backend);
            using var k = UploadK(backend);
            using var dx = ConvTestData.Garbage(backend, d.N, d.H, d.W, d.Cin);
            backend.ConvBackwardData(dy, k, dx, spec);
            return dx.ToArray();
        }

        /// <summary>dK from x and dy.</summary>
        public float[] BackwardFilter(IBackend backend, ConvSpec spec)
        {
            using var x = ConvTestData.Upload(backend, X, d.N, d.H, d.W, d.Cin);
            using var dy = UploadDy(backend);
            using var dk = ConvTestData.Garbage(backend, d.KH, d.KW, d.GroupIn, d.Cout);
            backend.ConvBackwardFilter(x, dy, dk, spec);
            return dk.ToArray();
        }

        private Tensor UploadK(IBackend backend) => ConvTestData.Upload(backend, K, d.KH, d.KW, d.GroupIn, d.Cout);

        private Tensor UploadDy(IBackend backend) => ConvTestData.Upload(backend, Dy, d.N, d.OH, d.OW, d.Cout);
    }
}

/// <summary>Random data, uploads and tolerant comparison shared by the conv, pool and batch-norm kernel tests.</summary>
internal static class ConvTestData
{
    public static double[] Random(Random rng, int count)
    {
        var data = new double[count];
        for (int i = 0; i < count; i++) data[i] = (float)(rng.NextDouble() * 2 - 1); // exactly representable in float
        return data;
    }

    public static Tensor Upload(IBackend backend, double[] data, params int[] dims)
    {
        var values = new float[data.Length];
        for (int i = 0; i < data.Length; i++) values[i] = (float)data[i];
        return Tensor.FromArray(values, new Shape(dims), backend);
    }

    /// <summary>A destination pre-filled with NaN so a kernel that skips a cell is caught.</summary>
    public static Tensor Garbage(IBackend backend, params int[] dims) => Tensor.Full(new Shape(dims), float.NaN, backend);

    public static double Dot(float[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    public static float[] Abs(float[] a)
    {
        var r = new float[a.Length];
        for (int i = 0; i < a.Length; i++) r[i] = Math.Abs(a[i]);
        return r;
    }

    public static double[] Abs(double[] a)
    {
        var r = new double[a.Length];
        for (int i = 0; i < a.Length; i++) r[i] = Math.Abs(a[i]);
        return r;
    }

    /// <summary>|actual − expected| ≤ absolute + relative·|expected| everywhere; prints the first mismatches.</summary>
    public static void AssertClose(float[] actual, double[] expected, string what, double absolute = 1e-4, double relative = 1e-4) =>
        AllClose.Assert(actual, expected, absolute, relative, what);
}
