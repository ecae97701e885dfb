using DeepNet.Backends;
using DeepNet.Cuda;

namespace DeepNet.Tests.Cuda;

/// <summary>
/// The CUDA backend against the CPU backend, kernel by kernel, on random inputs of odd shapes.
/// Without a GPU every test ends in Assert.Ignore with the reason (Assert.Fail when
/// DEEPNET_REQUIRE_GPU=1, as build.cake's TestGpu sets it). The ops cuDNN can take run twice:
/// through cuDNN (ignored, with the reason, where cuDNN is absent) and on the own kernels.
/// </summary>
[TestFixture]
[Category("Gpu")]
[NonParallelizable]
public class CudaParityTests : CudaDeviceFixture
{
    private static IBackend Cpu => Backend.Cpu;

    [TearDown]
    public void RestoreDefaults()
    {
        if (Device is null) return;
        if (Device.HasCudnn) Device.UseCudnn = true;
        Device.AllowTf32 = Device.ComputeCapability.Major >= 8;
    }

    /// <summary>Routes the test through cuDNN or the own kernels; the cuDNN variant is ignored without cuDNN.</summary>
    private void UsePath(bool cudnn)
    {
        if (!cudnn)
        {
            if (Gpu.HasCudnn) Gpu.UseCudnn = false;
            return;
        }
        try
        {
            Gpu.UseCudnn = true;
        }
        catch (InvalidOperationException e)
        {
            Assert.Ignore(e.Message);
        }
    }

    private static string PathName(bool cudnn) => cudnn ? "cuDNN" : "own kernel";

    /// <summary>Each case twice: through cuDNN, then on the own kernels.</summary>
    private static IEnumerable<TestCaseData> BothPaths(IEnumerable<(string Name, object[] Arguments)> cases)
    {
        foreach (var (name, arguments) in cases)
        {
            foreach (bool cudnn in new[] { true, false })
                yield return new TestCaseData(arguments.Append(cudnn).ToArray()).SetName($"{name}_{(cudnn ? "Cudnn" : "OwnKernel")}");
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static float[] RandomValues(int seed, long n, float low = -2f, float high = 2f)
    {
        var random = new Random(seed);
        var values = new float[n];
        for (long i = 0; i < n; i++) values[i] = low + (high - low) * random.NextSingle();
        return values;
    }

    private static Tensor CpuTensor(float[] values, params int[] shape) => Tensor.FromArray(values, new Shape(shape), Cpu);

    private static Tensor CpuRandom(int seed, params int[] shape) => CpuTensor(RandomValues(seed, new Shape(shape).Size), shape);

    private Tensor OnGpu(Tensor cpu) => cpu.To(Gpu);

    private static void AssertClose(Tensor expected, Tensor actual, double atol, double rtol, string what)
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape), what);
        var e = expected.ToArray();
        var a = actual.ToArray();
        for (int i = 0; i < e.Length; i++)
        {
            if (float.IsNaN(e[i]) && float.IsNaN(a[i])) continue;
            if (e[i] == a[i]) continue;
            double tolerance = atol + rtol * Math.Abs(e[i]);
            if (!(Math.Abs(e[i] - a[i]) <= tolerance))
                Assert.Fail($"{what}: at index {i} of {expected.Shape} expected {e[i]:R} (CPU), got {a[i]:R} (CUDA); tolerance {tolerance:G3}");
        }
    }

    private static void AssertEqual<T>(Tensor expected, Tensor actual, string what) where T : unmanaged, IEquatable<T>
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape), what);
        var e = expected.ToArray<T>();
        var a = actual.ToArray<T>();
        for (int i = 0; i < e.Length; i++)
        {
            if (!e[i].Equals(a[i])) Assert.Fail($"{what}: at index {i} of {expected.Shape} expected {e[i]} (CPU), got {a[i]} (CUDA)");
        }
    }

    // ---- memory and transfer -----------------------------------------------------------------

    [Test]
    public void UploadDownload_RoundTrip_IsExact_ForEveryDType()
    {
        var floats = RandomValues(1, 1001);
        using var f = Tensor.FromArray(floats, new Shape(7, 11, 13), Gpu);
        Assert.That(f.ToArray(), Is.EqualTo(floats));
        var ints = Enumerable.Range(-500, 777).ToArray();
        using var i = Tensor.FromArray(ints, null, Gpu);
        Assert.That(i.ToArray<int>(), Is.EqualTo(ints));
        var longs = ints.Select(v => (long)v * 3_000_000_000L).ToArray();
        using var l = Tensor.FromArray(longs, null, Gpu);
        Assert.That(l.ToArray<long>(), Is.EqualTo(longs));
    }

    [Test]
    public void FillCopyCast_MatchCpu()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Int32, DType.Int64 })
        {
            using var c = Tensor.Empty(new Shape(3, 5), dtype, Cpu);
            using var g = Tensor.Empty(new Shape(3, 5), dtype, Gpu);
            Cpu.Fill(c, -7.75f);
            Gpu.Fill(g, -7.75f);
            if (dtype == DType.Float32) AssertEqual<float>(c, g, "Fill float32");
            else if (dtype == DType.Int32) AssertEqual<int>(c, g, "Fill int32");
            else AssertEqual<long>(c, g, "Fill int64");
        }
        using var x = CpuTensor(new[] { -2.7f, -0.5f, 0f, 0.5f, 2.7f, 1e10f, -1e10f, float.NaN }, 8);
        using var gx = OnGpu(x);
        using var ci = Tensor.Empty(x.Shape, DType.Int32, Cpu);
        using var gi = Tensor.Empty(x.Shape, DType.Int32, Gpu);
        Cpu.Cast(x, ci);
        Gpu.Cast(gx, gi);
        AssertEqual<int>(ci, gi, "Cast float32 → int32 (truncating, saturating, NaN → 0)");
        using var gcopy = Tensor.Empty(x.Shape, DType.Float32, Gpu);
        Gpu.Copy(gx, gcopy);
        AssertClose(x, gcopy, 0, 0, "Copy");
    }

    // ---- GEMM --------------------------------------------------------------------------------

    [TestCase(1, 1, 1, 1, false, false)]
    [TestCase(1, 17, 9, 33, false, false)]
    [TestCase(1, 17, 9, 33, true, false)]
    [TestCase(1, 17, 9, 33, false, true)]
    [TestCase(1, 17, 9, 33, true, true)]
    [TestCase(3, 5, 7, 2, false, false)]
    [TestCase(4, 6, 3, 5, true, true)]
    public void Gemm_MatchesCpu_Tf32OffAndOn(int batch, int m, int n, int k, bool ta, bool tb)
    {
        int[] aShape = ta ? new[] { k, m } : new[] { m, k };
        int[] bShape = tb ? new[] { n, k } : new[] { k, n };
        if (batch > 1) aShape = new[] { batch }.Concat(aShape).ToArray();
        using var a = CpuRandom(10, aShape);
        using var b = CpuRandom(11, bShape); // shared b when batched
        int[] cShape = batch > 1 ? new[] { batch, m, n } : new[] { m, n };
        using var c = CpuRandom(12, cShape);
        using var ga = OnGpu(a);
        using var gb = OnGpu(b);
        foreach (bool tf32 in new[] { false, true })
        {
            using var expected = CpuRandom(12, cShape);
            using var actual = OnGpu(c);
            Cpu.Gemm(a, b, expected, ta, tb, 0.5f, 0.25f);
            Gpu.AllowTf32 = tf32;
            Gpu.Gemm(ga, gb, actual, ta, tb, 0.5f, 0.25f);
            // TF32 keeps 10 mantissa bits of the inputs: ~1e-3 relative per product.
            double tolerance = tf32 ? 5e-3 * Math.Sqrt(k) : 1e-5 * Math.Sqrt(k);
            AssertClose(expected, actual, tolerance, tolerance, $"Gemm TF32 {(tf32 ? "on" : "off")}");
        }
    }

    // ---- elementwise -------------------------------------------------------------------------

    [Test]
    public void Unary_EveryOp_MatchesCpu([Values] UnaryOp op)
    {
        using var x = CpuTensor(RandomValues(20, 3 * 5 * 7, op is UnaryOp.Log or UnaryOp.Sqrt or UnaryOp.Rsqrt or UnaryOp.Pow ? 0.01f : -3f, 3f), 3, 5, 7);
        using var gx = OnGpu(x);
        using var expected = Tensor.Empty(x.Shape, DType.Float32, Cpu);
        using var actual = Tensor.Empty(x.Shape, DType.Float32, Gpu);
        (float a0, float a1) = op switch { UnaryOp.Clip => (-1f, 1.5f), UnaryOp.Pow => (1.7f, 0f), UnaryOp.Affine => (0.3f, -2f), _ => (0.25f, 0f) };
        Cpu.Unary(op, x, expected, a0, a1);
        Gpu.Unary(op, gx, actual, a0, a1);
        // Transcendentals: a few ulp apart between TensorPrimitives and CUDA's libdevice.
        AssertClose(expected, actual, 1e-6, 2e-6, $"Unary {op}");
    }

    [Test]
    public void Binary_EveryOp_WithBroadcasting_MatchesCpu([Values] BinaryOp op)
    {
        foreach (var (sa, sb) in new[] { (new[] { 4, 5, 6 }, new[] { 4, 5, 6 }), (new[] { 4, 1, 6 }, new[] { 5, 1 }), (new[] { 1 }, new[] { 3, 2 }), (new[] { 2, 3, 1, 5 }, new[] { 3, 4, 1 }) })
        {
            using var a = CpuTensor(RandomValues(30, new Shape(sa).Size, op == BinaryOp.Power ? 0.1f : -2f, 2f), sa);
            using var b = CpuRandom(31, sb);
            var shape = Shape.Broadcast(a.Shape, b.Shape);
            using var ga = OnGpu(a);
            using var gb = OnGpu(b);
            using var expected = Tensor.Empty(shape, DType.Float32, Cpu);
            using var actual = Tensor.Empty(shape, DType.Float32, Gpu);
            Cpu.Binary(op, a, b, expected);
            Gpu.Binary(op, ga, gb, actual);
            AssertClose(expected, actual, 1e-6, 2e-6, $"Binary {op} {a.Shape} {b.Shape}");
        }
    }

    [Test]
    public void Activation_EveryKind_ForwardWithBias_AndBackward_MatchCpu([Values] ActivationKind kind, [Values] bool cudnn)
    {
        UsePath(cudnn);
        // cuDNN's sigmoid/tanh/elu may use faster exponentials than the own kernel's expf.
        double tolerance = cudnn ? 1e-5 : 2e-6;
        using var x = CpuTensor(RandomValues(40, 6 * 13, -5f, 5f), 6, 13);
        using var bias = CpuRandom(41, 13);
        using var dy = CpuRandom(42, 6, 13);
        using var gx = OnGpu(x);
        using var gbias = OnGpu(bias);
        using var gdy = OnGpu(dy);
        float alpha = kind == ActivationKind.LeakyRelu ? 0.3f : 1f;
        using var y = Tensor.Empty(x.Shape, DType.Float32, Cpu);
        using var gy = Tensor.Empty(x.Shape, DType.Float32, Gpu);
        Cpu.Activation(kind, x, bias, y, alpha);
        Gpu.Activation(kind, gx, gbias, gy, alpha);
        AssertClose(y, gy, 1e-6, 2e-6, $"Activation {kind} with bias (own kernel on both paths)");
        using var dx = Tensor.Empty(x.Shape, DType.Float32, Cpu);
        using var gdx = Tensor.Empty(x.Shape, DType.Float32, Gpu);
        Cpu.Activation(kind, x, null, y, alpha);
        Gpu.Activation(kind, gx, null, gy, alpha);
        AssertClose(y, gy, 1e-6, tolerance, $"Activation {kind} without bias, {PathName(cudnn)}");
        Cpu.ActivationBackward(kind, x, y, dy, dx, alpha);
        Gpu.ActivationBackward(kind, gx, gy, gdy, gdx, alpha);
        AssertClose(dx, gdx, 1e-6, tolerance, $"ActivationBackward {kind}, {PathName(cudnn)}");
    }

    [Test]
    public void Softmax_ForwardAndBackward_MatchCpu([Values] bool log, [Values] bool cudnn)
    {
        UsePath(cudnn);
        foreach (var shape in new[] { new[] { 1, 1 }, new[] { 7, 10 }, new[] { 3, 2, 1000 } })
        {
            using var x = CpuTensor(RandomValues(50, new Shape(shape).Size, -10f, 10f), shape);
            using var dy = CpuRandom(51, shape);
            using var gx = OnGpu(x);
            using var gdy = OnGpu(dy);
            using var y = Tensor.Empty(x.Shape, DType.Float32, Cpu);
            using var gy = Tensor.Empty(x.Shape, DType.Float32, Gpu);
            Cpu.Softmax(x, y, log);
            Gpu.Softmax(gx, gy, log);
            AssertClose(y, gy, 1e-6, 1e-5, $"Softmax log={log} {x.Shape}, {PathName(cudnn)}");
            using var dx = Tensor.Empty(x.Shape, DType.Float32, Cpu);
            using var gdx = Tensor.Empty(x.Shape, DType.Float32, Gpu);
            Cpu.SoftmaxBackward(y, dy, dx, log);
            Gpu.SoftmaxBackward(OnGpu(y), gdy, gdx, log);
            AssertClose(dx, gdx, 1e-5, 1e-5, $"SoftmaxBackward log={log} {x.Shape}, {PathName(cudnn)}");
        }
    }

    // ---- reductions --------------------------------------------------------------------------

    [Test]
    public void Reduce_EveryOp_OverAxisSets_MatchesCpu([Values] ReduceOp op)
    {
        int[] shape = { 3, 1, 130, 5 };
        using var x = CpuTensor(RandomValues(60, new Shape(shape).Size, op == ReduceOp.Prod ? 0.9f : -2f, op == ReduceOp.Prod ? 1.1f : 2f), shape);
        using var gx = OnGpu(x);
        foreach (var axes in new[] { new[] { 0 }, new[] { 2 }, new[] { -1 }, new[] { 0, 2 }, new[] { 0, 1, 2, 3 }, Array.Empty<int>() })
        {
            var dims = (int[])shape.Clone();
            foreach (int a in axes) dims[(a + 4) % 4] = 1;
            using var expected = Tensor.Empty(new Shape(dims), DType.Float32, Cpu);
            using var actual = Tensor.Empty(new Shape(dims), DType.Float32, Gpu);
            Cpu.Reduce(op, x, axes, expected);
            Gpu.Reduce(op, gx, axes, actual);
            AssertClose(expected, actual, 1e-5, 1e-5, $"Reduce {op} axes ({string.Join(", ", axes)})");
        }
    }

    [Test]
    public void ArgMax_MatchesCpu([Values(0, 1, 2)] int axis)
    {
        using var x = CpuRandom(70, 4, 9, 6);
        using var gx = OnGpu(x);
        var dims = x.Shape.ToArray().Where((_, i) => i != axis).ToArray();
        using var expected = Tensor.Empty(new Shape(dims), DType.Int64, Cpu);
        using var actual = Tensor.Empty(new Shape(dims), DType.Int64, Gpu);
        Cpu.ArgMax(x, axis, expected);
        Gpu.ArgMax(gx, axis, actual);
        AssertEqual<long>(expected, actual, $"ArgMax axis {axis}");
    }

    // ---- layout and indexing -----------------------------------------------------------------

    [Test]
    public void ConcatSlicePadTransposeTile_MatchCpu()
    {
        using var a = CpuRandom(80, 2, 3, 4);
        using var b = CpuRandom(81, 2, 5, 4);
        using var ga = OnGpu(a);
        using var gb = OnGpu(b);
        using (var e = Tensor.Empty(new Shape(2, 8, 4), DType.Float32, Cpu))
        using (var g = Tensor.Empty(new Shape(2, 8, 4), DType.Float32, Gpu))
        {
            Cpu.Concat(new[] { a, b }, 1, e);
            Gpu.Concat(new[] { ga, gb }, 1, g);
            AssertClose(e, g, 0, 0, "Concat axis 1");
        }
        using (var e = Tensor.Empty(new Shape(1, 2, 3), DType.Float32, Cpu))
        using (var g = Tensor.Empty(new Shape(1, 2, 3), DType.Float32, Gpu))
        {
            Cpu.Slice(b, new[] { 1, 2, 1 }, e);
            Gpu.Slice(gb, new[] { 1, 2, 1 }, g);
            AssertClose(e, g, 0, 0, "Slice");
        }
        using (var e = Tensor.Empty(new Shape(3, 6, 7), DType.Float32, Cpu))
        using (var g = Tensor.Empty(new Shape(3, 6, 7), DType.Float32, Gpu))
        {
            Cpu.Pad(a, new[] { 1, 2, 0 }, -1.5f, e);
            Gpu.Pad(ga, new[] { 1, 2, 0 }, -1.5f, g);
            AssertClose(e, g, 0, 0, "Pad");
        }
        using (var e = Tensor.Empty(new Shape(4, 2, 3), DType.Float32, Cpu))
        using (var g = Tensor.Empty(new Shape(4, 2, 3), DType.Float32, Gpu))
        {
            Cpu.Transpose(a, new[] { 2, 0, 1 }, e);
            Gpu.Transpose(ga, new[] { 2, 0, 1 }, g);
            AssertClose(e, g, 0, 0, "Transpose (2, 0, 1)");
        }
        using (var e = Tensor.Empty(new Shape(4, 3, 12), DType.Float32, Cpu))
        using (var g = Tensor.Empty(new Shape(4, 3, 12), DType.Float32, Gpu))
        {
            Cpu.Tile(a, e);
            Gpu.Tile(ga, g);
            AssertClose(e, g, 0, 0, "Tile");
        }
    }

    [Test]
    public void GatherAndScatterAdd_WithRepeatedIndices_MatchCpu([Values(DType.Int32, DType.Int64)] DType indexType)
    {
        using var x = CpuRandom(90, 10, 7);
        using var gx = OnGpu(x);
        int[] idx = { 3, 0, 9, 3, 3, 5 };
        using var ci = indexType == DType.Int32 ? Tensor.FromArray(idx, new Shape(2, 3), Cpu) : Tensor.FromArray(idx.Select(v => (long)v).ToArray(), new Shape(2, 3), Cpu);
        using var gi = ci.To(Gpu);
        using var e = Tensor.Empty(new Shape(2, 3, 7), DType.Float32, Cpu);
        using var g = Tensor.Empty(new Shape(2, 3, 7), DType.Float32, Gpu);
        Cpu.Gather(x, ci, 0, e);
        Gpu.Gather(gx, gi, 0, g);
        AssertClose(e, g, 0, 0, "Gather axis 0");
        using var ye = CpuRandom(91, 10, 7);
        using var yg = OnGpu(ye);
        Cpu.ScatterAdd(e, ci, 0, ye);
        Gpu.ScatterAdd(g, gi, 0, yg);
        AssertClose(ye, yg, 0, 0, "ScatterAdd axis 0 (same order of additions: bit-exact)");
    }

    // ---- random ------------------------------------------------------------------------------

    [Test]
    public void Random_SameSeedAndOffset_GiveTheCpuNumbers()
    {
        const ulong seed = 0x1234_5678_9abc_def0UL, offset = 3; // offset not a multiple of 4
        using var ce = Tensor.Empty(new Shape(1031), DType.Float32, Cpu);
        using var ge = Tensor.Empty(new Shape(1031), DType.Float32, Gpu);
        Cpu.RandomUniform(ce, seed, offset, -1f, 3f);
        Gpu.RandomUniform(ge, seed, offset, -1f, 3f);
        AssertClose(ce, ge, 0, 0, "RandomUniform (bit-exact)");
        Cpu.DropoutMask(ce, seed, offset, 0.3f);
        Gpu.DropoutMask(ge, seed, offset, 0.3f);
        AssertClose(ce, ge, 0, 0, "DropoutMask (bit-exact)");
        // Box–Muller in float64 on both sides: equal up to one float32 rounding step.
        Cpu.RandomNormal(ce, seed, offset, 0.5f, 2f);
        Gpu.RandomNormal(ge, seed, offset, 0.5f, 2f);
        AssertClose(ce, ge, 1e-6, 3e-7, "RandomNormal");
        Cpu.TruncatedNormal(ce, seed, offset, 0f, 1f);
        Gpu.TruncatedNormal(ge, seed, offset, 0f, 1f);
        AssertClose(ce, ge, 1e-6, 3e-7, "TruncatedNormal");
    }

    // ---- optimizers --------------------------------------------------------------------------

    public static IEnumerable<TestCaseData> OptimizerSteps()
    {
        yield return new TestCaseData(new OptimizerStep(OptimizerKind.Sgd, 0.1f, 1)).SetName("OptimizerUpdate_Sgd_MatchesCpu");
        yield return new TestCaseData(new OptimizerStep(OptimizerKind.Sgd, 0.1f, 3, Momentum: 0.9f, Nesterov: true)).SetName("OptimizerUpdate_SgdNesterov_MatchesCpu");
        yield return new TestCaseData(new OptimizerStep(OptimizerKind.RmsProp, 0.01f, 2, Momentum: 0.5f, Centered: true)).SetName("OptimizerUpdate_RmsPropCenteredMomentum_MatchesCpu");
        yield return new TestCaseData(new OptimizerStep(OptimizerKind.Adam, 0.001f, 5, Amsgrad: true, WeightDecay: 0.01f)).SetName("OptimizerUpdate_AdamWAmsgrad_MatchesCpu");
        yield return new TestCaseData(new OptimizerStep(OptimizerKind.Adagrad, 0.01f, 1)).SetName("OptimizerUpdate_Adagrad_MatchesCpu");
        yield return new TestCaseData(new OptimizerStep(OptimizerKind.Adadelta, 1f, 1, Rho: 0.95f)).SetName("OptimizerUpdate_Adadelta_MatchesCpu");
        yield return new TestCaseData(new OptimizerStep(OptimizerKind.Adamax, 0.002f, 4)).SetName("OptimizerUpdate_Adamax_MatchesCpu");
        yield return new TestCaseData(new OptimizerStep(OptimizerKind.Nadam, 0.002f, 2, NadamMu: 0.9f, NadamMuNext: 0.91f, NadamMuProduct: 0.81f)).SetName("OptimizerUpdate_Nadam_MatchesCpu");
        yield return new TestCaseData(new OptimizerStep(OptimizerKind.Ftrl, 0.05f, 1, L1: 0.01f, L2: 0.02f, L2Shrinkage: 0.01f, FtrlBeta: 0.1f)).SetName("OptimizerUpdate_Ftrl_MatchesCpu");
        yield return new TestCaseData(new OptimizerStep(OptimizerKind.Lion, 0.001f, 1, Beta2: 0.99f)).SetName("OptimizerUpdate_Lion_MatchesCpu");
    }

    [TestCaseSource(nameof(OptimizerSteps))]
    public void OptimizerUpdate(OptimizerStep step)
    {
        int[] shape = { 33, 7 };
        int slots = CudaBackend.SlotCount(step);
        using var w = CpuRandom(100, shape);
        using var grad = CpuRandom(101, shape);
        // Accumulators start positive (Adagrad/Ftrl/RMSprop read them under a square root or power).
        var cpuSlots = Enumerable.Range(0, slots).Select(i => CpuTensor(RandomValues(102 + i, 33 * 7, 0.1f, 1f), shape)).ToList();
        var gpuSlots = cpuSlots.Select(OnGpu).ToList();
        using var gw = OnGpu(w);
        using var gg = OnGpu(grad);
        Cpu.OptimizerUpdate(step, w, grad, cpuSlots);
        Gpu.OptimizerUpdate(step, gw, gg, gpuSlots);
        AssertClose(w, gw, 1e-6, 1e-6, $"{step.Kind} variable");
        for (int i = 0; i < slots; i++) AssertClose(cpuSlots[i], gpuSlots[i], 1e-6, 1e-6, $"{step.Kind} slot {i}");
        foreach (var t in cpuSlots.Concat(gpuSlots)) t.Dispose();
    }

    // ---- convolution -------------------------------------------------------------------------

    public static IEnumerable<TestCaseData> ConvCases() => BothPaths(new (string, object[])[]
    {
        // (x shape, kernel shape, strides, dilation, padding, groups)
        ("Conv_3x3Valid_MatchesCpu", new object[] { new[] { 2, 7, 9, 3 }, new[] { 3, 3, 3, 5 }, (1, 1), (1, 1), Padding.Valid, 1 }),
        // Height pads 0 top / 1 bottom: the own kernel on both paths.
        ("Conv_Stride2Same_NonSquareKernel_MatchesCpu", new object[] { new[] { 1, 8, 7, 4 }, new[] { 3, 2, 4, 6 }, (2, 2), (1, 1), Padding.Same, 1 }),
        ("Conv_Stride2SameSymmetric_MatchesCpu", new object[] { new[] { 2, 9, 7, 3 }, new[] { 3, 3, 3, 4 }, (2, 2), (1, 1), Padding.Same, 1 }),
        ("Conv_EvenKernelSame_PadsBottomRight_MatchesCpu", new object[] { new[] { 2, 6, 6, 2 }, new[] { 2, 2, 2, 3 }, (1, 1), (1, 1), Padding.Same, 1 }),
        ("Conv_Dilation2Same_MatchesCpu", new object[] { new[] { 2, 9, 9, 2 }, new[] { 3, 3, 2, 3 }, (1, 1), (2, 2), Padding.Same, 1 }),
        ("Conv_Depthwise_MatchesCpu", new object[] { new[] { 1, 6, 5, 4 }, new[] { 3, 3, 1, 4 }, (1, 2), (1, 1), Padding.Same, 4 }),
        ("Conv_1x1TwoGroups_MatchesCpu", new object[] { new[] { 3, 5, 5, 6 }, new[] { 1, 1, 3, 4 }, (1, 1), (1, 1), Padding.Valid, 2 }),
    });

    [TestCaseSource(nameof(ConvCases))]
    public void Conv_ForwardBackwardDataBackwardFilter(int[] xShape, int[] kShape, (int, int) strides, (int, int) dilation, Padding padding, int groups, bool cudnn)
    {
        UsePath(cudnn);
        // Full float32 products (TF32 is checked in GEMM); cuDNN's Winograd/FFT algorithms round
        // differently from a direct sum, hence the wider cuDNN tolerance.
        Gpu.AllowTf32 = false;
        double tolerance = cudnn ? 1e-4 : 1e-5;
        var spec = ConvSpec.Create(xShape[1], xShape[2], kShape[0], kShape[1], strides, dilation, padding, groups);
        int[] yShape = { xShape[0], spec.OutputHeight(xShape[1], kShape[0]), spec.OutputWidth(xShape[2], kShape[1]), kShape[3] };
        using var x = CpuRandom(150, xShape);
        using var k = CpuRandom(151, kShape);
        using var dy = CpuRandom(152, yShape);
        using var gx = OnGpu(x);
        using var gk = OnGpu(k);
        using var gdy = OnGpu(dy);
        using var y = Tensor.Empty(new Shape(yShape), DType.Float32, Cpu);
        using var gy = Tensor.Empty(new Shape(yShape), DType.Float32, Gpu);
        Cpu.ConvForward(x, k, y, spec);
        Gpu.ConvForward(gx, gk, gy, spec);
        AssertClose(y, gy, tolerance, tolerance, $"ConvForward, {PathName(cudnn)}");
        using var dx = Tensor.Empty(new Shape(xShape), DType.Float32, Cpu);
        using var gdx = Tensor.Empty(new Shape(xShape), DType.Float32, Gpu);
        Cpu.ConvBackwardData(dy, k, dx, spec);
        Gpu.ConvBackwardData(gdy, gk, gdx, spec);
        AssertClose(dx, gdx, tolerance, tolerance, $"ConvBackwardData, {PathName(cudnn)}");
        using var dk = Tensor.Empty(new Shape(kShape), DType.Float32, Cpu);
        using var gdk = Tensor.Empty(new Shape(kShape), DType.Float32, Gpu);
        Cpu.ConvBackwardFilter(x, dy, dk, spec);
        Gpu.ConvBackwardFilter(gx, gdy, gdk, spec);
        AssertClose(dk, gdk, 1e-4, tolerance, $"ConvBackwardFilter, {PathName(cudnn)}");
    }

    // ---- pooling -----------------------------------------------------------------------------

    public static IEnumerable<TestCaseData> PoolCases() => BothPaths(new (string, object[])[]
    {
        ("Pool_Max2x2Valid_MatchesCpu", new object[] { PoolKind.Max, 2, 2, 2, 2, Padding.Valid }),
        ("Pool_Max3x3Stride2Same_MatchesCpu", new object[] { PoolKind.Max, 3, 3, 2, 2, Padding.Same }),
        // Width pads 0 left / 1 right: the own kernel on both paths.
        ("Pool_Max3x2Stride1Same_MatchesCpu", new object[] { PoolKind.Max, 3, 2, 1, 1, Padding.Same }),
        ("Pool_Average2x2Valid_MatchesCpu", new object[] { PoolKind.Average, 2, 2, 2, 2, Padding.Valid }),
        ("Pool_Average3x3Same_ExcludesPadding_MatchesCpu", new object[] { PoolKind.Average, 3, 3, 2, 1, Padding.Same }),
    });

    [TestCaseSource(nameof(PoolCases))]
    public void Pool_ForwardAndBackward_MatchCpu(PoolKind kind, int ph, int pw, int sh, int sw, Padding padding, bool cudnn)
    {
        UsePath(cudnn);
        var spec = PoolSpec.Create(kind, 7, 9, (ph, pw), (sh, sw), padding);
        int[] xs = { 2, 7, 9, 3 }, ys = { 2, spec.OutputHeight(7), spec.OutputWidth(9), 3 };
        // Repeated values check that max routes to the first maximum, as on the CPU.
        var values = RandomValues(140, new Shape(xs).Size).Select(v => MathF.Round(v * 2f) / 2f).ToArray();
        using var x = CpuTensor(values, xs);
        using var dy = CpuRandom(141, ys);
        using var gx = OnGpu(x);
        using var gdy = OnGpu(dy);
        using var y = Tensor.Empty(new Shape(ys), DType.Float32, Cpu);
        using var gy = Tensor.Empty(new Shape(ys), DType.Float32, Gpu);
        Cpu.PoolForward(x, y, spec);
        Gpu.PoolForward(gx, gy, spec);
        if (cudnn)
            AssertClose(y, gy, 1e-6, 1e-6, $"PoolForward {kind}, cuDNN");
        else
            AssertClose(y, gy, 0, 0, $"PoolForward {kind}, own kernel (same order of operations: bit-exact)");
        using var dx = Tensor.Empty(new Shape(xs), DType.Float32, Cpu);
        using var gdx = Tensor.Empty(new Shape(xs), DType.Float32, Gpu);
        Cpu.PoolBackward(x, y, dy, dx, spec);
        Gpu.PoolBackward(gx, gy, gdy, gdx, spec);
        AssertClose(dx, gdx, 1e-6, 1e-6, $"PoolBackward {kind}, {PathName(cudnn)}");
    }

    // ---- batch normalization -----------------------------------------------------------------

    public static IEnumerable<TestCaseData> BatchNormCases() => BothPaths(new (string, object[])[]
    {
        // One row: the own kernel on both paths.
        ("BatchNorm_OneRowOneChannel_MatchesCpu", new object[] { new[] { 1, 1 } }),
        ("BatchNorm_5x3_MatchesCpu", new object[] { new[] { 5, 3 } }),
        ("BatchNorm_Nhwc2x7x9x40_MatchesCpu", new object[] { new[] { 2, 7, 9, 40 } }),
        ("BatchNorm_300x33_MatchesCpu", new object[] { new[] { 300, 33 } }),
    });

    [TestCaseSource(nameof(BatchNormCases))]
    public void BatchNorm_TrainingInferenceBackward_MatchCpu(int[] shape, bool cudnn)
    {
        UsePath(cudnn);
        // cuDNN sums in float where batchnorm.cu sums in double.
        double sums = cudnn ? 1e-4 : 1e-5;
        int c = shape[^1];
        // An offset mean checks the centred second pass.
        using var x = CpuTensor(RandomValues(130, new Shape(shape).Size, 4f, 6f), shape);
        using var dy = CpuRandom(131, shape);
        using var gamma = CpuRandom(132, c);
        using var beta = CpuRandom(133, c);
        using var gx = OnGpu(x);
        using var gdy = OnGpu(dy);
        using var ggamma = OnGpu(gamma);
        using var gbeta = OnGpu(beta);
        Tensor Cpu1(params int[] s) => Tensor.Empty(new Shape(s), DType.Float32, Cpu);
        Tensor Gpu1(params int[] s) => Tensor.Empty(new Shape(s), DType.Float32, Gpu);
        using var y = Cpu1(shape); using var gy = Gpu1(shape);
        using var mean = Cpu1(c); using var gmean = Gpu1(c);
        using var variance = Cpu1(c); using var gvariance = Gpu1(c);
        Cpu.BatchNormTraining(x, gamma, beta, 1e-3f, y, mean, variance);
        Gpu.BatchNormTraining(gx, ggamma, gbeta, 1e-3f, gy, gmean, gvariance);
        AssertClose(mean, gmean, 1e-6, 1e-6, "BatchNormTraining mean");
        AssertClose(variance, gvariance, 1e-6, 1e-5, "BatchNormTraining variance");
        AssertClose(y, gy, 1e-5, 1e-5, $"BatchNormTraining y, {PathName(cudnn)}");
        Cpu.BatchNormInference(x, gamma, beta, mean, variance, 1e-3f, y);
        Gpu.BatchNormInference(gx, ggamma, gbeta, OnGpu(mean), OnGpu(variance), 1e-3f, gy);
        AssertClose(y, gy, 1e-5, 1e-5, $"BatchNormInference y, {PathName(cudnn)}");
        using var dx = Cpu1(shape); using var gdx = Gpu1(shape);
        using var dGamma = Cpu1(c); using var gdGamma = Gpu1(c);
        using var dBeta = Cpu1(c); using var gdBeta = Gpu1(c);
        Cpu.BatchNormBackward(x, dy, gamma, mean, variance, 1e-3f, dx, dGamma, dBeta);
        Gpu.BatchNormBackward(gx, gdy, ggamma, OnGpu(mean), OnGpu(variance), 1e-3f, gdx, gdGamma, gdBeta);
        AssertClose(dBeta, gdBeta, sums, 1e-5, $"BatchNormBackward dBeta, {PathName(cudnn)}");
        AssertClose(dGamma, gdGamma, 1e-4, sums, $"BatchNormBackward dGamma, {PathName(cudnn)}");
        AssertClose(dx, gdx, 1e-4, 1e-4, $"BatchNormBackward dx, {PathName(cudnn)}");
    }

    [Test]
    public void DeviceDescription_SaysWhetherCudnnIsUsed()
    {
        if (Gpu.HasCudnn)
        {
            Assert.That(Gpu.DeviceDescription, Does.Match(@"cuDNN \d+\.\d+\.\d+\)$"));
            Assert.That(Gpu.UseCudnn, Is.True, "on by default when present");
            Assert.That(Gpu.CudnnVersion!.Value.Major, Is.GreaterThanOrEqualTo(8));
        }
        else
        {
            Assert.That(Gpu.DeviceDescription, Does.Match(@"no cuDNN \(.+\)\)$"));
            Assert.That(() => Gpu.UseCudnn = true, Throws.InvalidOperationException.With.Message.Contains("cuDNN is not available"));
        }
    }

    [Test]
    public void BatchNorm_EpsilonBelowCudnnsMinimum_StillMatchesCpu([Values] bool cudnn)
    {
        UsePath(cudnn);
        using var x = CpuRandom(160, 6, 4);
        using var gamma = CpuRandom(161, 4);
        using var beta = CpuRandom(162, 4);
        using var y = Tensor.Empty(x.Shape, DType.Float32, Cpu);
        using var mean = Tensor.Empty(new Shape(4), DType.Float32, Cpu);
        using var variance = Tensor.Empty(new Shape(4), DType.Float32, Cpu);
        using var gy = Tensor.Empty(x.Shape, DType.Float32, Gpu);
        using var gmean = Tensor.Empty(new Shape(4), DType.Float32, Gpu);
        using var gvariance = Tensor.Empty(new Shape(4), DType.Float32, Gpu);
        Cpu.BatchNormTraining(x, gamma, beta, 1e-7f, y, mean, variance);
        Gpu.BatchNormTraining(OnGpu(x), OnGpu(gamma), OnGpu(beta), 1e-7f, gy, gmean, gvariance);
        AssertClose(y, gy, 1e-5, 1e-5, $"BatchNormTraining y with epsilon 1e-7, {PathName(cudnn)}");
    }

    // ---- allocator and missing kernels -------------------------------------------------------

    [Test]
    public void Allocator_InUseFlat_Over1000Steps()
    {
        using var x = OnGpu(CpuRandom(110, 64, 32));
        long Step()
        {
            using var scope = DeepNet.Memory.TensorScope.Begin();
            var h = Tensor.Empty(new Shape(64, 32), DType.Float32, Gpu);
            Gpu.Activation(ActivationKind.Relu, x, null, h);
            var s = Tensor.Empty(new Shape(1, 32), DType.Float32, Gpu);
            Gpu.Reduce(ReduceOp.Sum, h, new[] { 0 }, s);
            return Gpu.Memory.BytesInUse;
        }
        Step();
        long baseline = Gpu.Memory.BytesInUse, fresh = Gpu.Memory.FreshAllocations;
        for (int i = 0; i < 1000; i++) Step();
        Gpu.Synchronize();
        Assert.That(Gpu.Memory.BytesInUse, Is.EqualTo(baseline), "bytes in use after the steps");
        Assert.That(Gpu.Memory.FreshAllocations, Is.EqualTo(fresh), "no driver allocation in the steady state");
    }
}
