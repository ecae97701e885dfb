using DeepNet.Backends;
using DeepNet.Backends.Cpu;
using DeepNet.Backends.Cpu.Reference;

namespace DeepNet.Tests.Cpu;

/// <summary>
/// The fused optimizer updates of the CPU backend: three steps of every kind and variant against
/// <see cref="ReferenceOptimizers"/> (float64), first steps of SGD and Adam worked out by hand,
/// thread-count independence, and bad arguments.
/// </summary>
public class OptimizerKernelTests
{
    private CpuBackend _cpu = null!;

    [SetUp]
    public void SetUp() => _cpu = new CpuBackend(threads: 2);

    private static IEnumerable<TestCaseData> Variants()
    {
        TestCaseData Case(string name, OptimizerStep s) => new TestCaseData(s).SetArgDisplayNames(name);
        yield return Case("Sgd", new(OptimizerKind.Sgd, 0.05f, 1));
        yield return Case("Sgd momentum", new(OptimizerKind.Sgd, 0.05f, 1, Momentum: 0.9f));
        yield return Case("Sgd nesterov", new(OptimizerKind.Sgd, 0.05f, 1, Momentum: 0.9f, Nesterov: true));
        yield return Case("Sgd momentum weight decay", new(OptimizerKind.Sgd, 0.05f, 1, Momentum: 0.9f, WeightDecay: 0.01f));
        yield return Case("RmsProp", new(OptimizerKind.RmsProp, 0.01f, 1));
        yield return Case("RmsProp centered", new(OptimizerKind.RmsProp, 0.01f, 1, Centered: true));
        yield return Case("RmsProp momentum", new(OptimizerKind.RmsProp, 0.01f, 1, Momentum: 0.5f));
        yield return Case("RmsProp centered momentum", new(OptimizerKind.RmsProp, 0.01f, 1, Momentum: 0.5f, Centered: true, Rho: 0.8f));
        yield return Case("Adam", new(OptimizerKind.Adam, 0.01f, 1));
        yield return Case("Adam amsgrad", new(OptimizerKind.Adam, 0.01f, 1, Amsgrad: true));
        yield return Case("AdamW", new(OptimizerKind.Adam, 0.01f, 1, WeightDecay: 0.004f));
        yield return Case("Adagrad", new(OptimizerKind.Adagrad, 0.05f, 1));
        yield return Case("Adadelta", new(OptimizerKind.Adadelta, 1f, 1, Rho: 0.95f));
        yield return Case("Adamax", new(OptimizerKind.Adamax, 0.01f, 1));
        yield return Case("Nadam", new(OptimizerKind.Nadam, 0.01f, 1));
        yield return Case("Ftrl", new(OptimizerKind.Ftrl, 0.05f, 1));
        yield return Case("Ftrl l1 l2 shrinkage beta", new(OptimizerKind.Ftrl, 0.05f, 1,
            L1: 0.01f, L2: 0.02f, L2Shrinkage: 0.01f, FtrlBeta: 0.1f, LearningRatePower: -0.6f));
        yield return Case("Lion", new(OptimizerKind.Lion, 0.001f, 1, Beta2: 0.99f));
        yield return Case("Lion weight decay", new(OptimizerKind.Lion, 0.001f, 1, Beta2: 0.99f, WeightDecay: 0.1f));
    }

    [TestCaseSource(nameof(Variants))]
    public void OptimizerUpdate_ThreeSteps_MatchFloat64Reference(OptimizerStep step)
    {
        const int n = 1003; // vector body plus a tail
        var rng = new Random(21);
        double[] w = Uniform(rng, n);
        int slotCount = CpuBackend.SlotCount(step);
        // Adagrad's and Ftrl's accumulators start at initial_accumulator_value = 0.1; the rest at 0.
        double initial = step.Kind is OptimizerKind.Adagrad or OptimizerKind.Ftrl ? 0.1 : 0.0;
        var slots = Enumerable.Range(0, slotCount).Select(k => Enumerable.Repeat(k == 0 ? initial : 0.0, n).ToArray()).ToArray();

        using var wt = Tensor.FromArray(ToFloats(w), backend: _cpu);
        var slotTensors = slots.Select(s => Tensor.FromArray(ToFloats(s), backend: _cpu)).ToList();
        double product = 1;
        for (int t = 1; t <= 3; t++)
        {
            double[] g = Uniform(rng, n);
            // Nadam's momentum schedule, computed on the host as the optimizer does.
            double mu = step.Beta1 * (1 - 0.5 * Math.Pow(0.96, t));
            double muNext = step.Beta1 * (1 - 0.5 * Math.Pow(0.96, t + 1));
            product *= mu;
            var s = step with { Iteration = t, NadamMu = (float)mu, NadamMuNext = (float)muNext, NadamMuProduct = (float)product };
            using var gt = Tensor.FromArray(ToFloats(g), backend: _cpu);
            _cpu.OptimizerUpdate(s, wt, gt, slotTensors);
            ReferenceOptimizers.Update(s, w, ToFloats(g).Select(v => (double)v).ToArray(), slots);
            AssertClose(w, wt.ToArray(), $"{step.Kind} step {t}: variable");
            for (int k = 0; k < slotCount; k++) AssertClose(slots[k], slotTensors[k].ToArray(), $"{step.Kind} step {t}: slot {k}");
        }
        foreach (var t in slotTensors) t.Dispose();
    }

    [Test]
    public void OptimizerUpdate_SgdFirstSteps_MatchHandComputation()
    {
        // w = (1, −2), g = (0.5, 0.25), lr = 0.1.
        // Plain: w ← w − lr·g = (1 − 0.05, −2 − 0.025) = (0.95, −2.025).
        Assert.That(RunSteps(new(OptimizerKind.Sgd, 0.1f, 1), 1).W, Is.EqualTo(new[] { 0.95f, -2.025f }).Within(1e-7f));
        // Momentum 0.9, step 1: m = 0.9·0 − 0.1·g = (−0.05, −0.025); w ← w + m = (0.95, −2.025).
        // Step 2 (same g): m = 0.9·m − 0.1·g = (−0.045 − 0.05, −0.0225 − 0.025) = (−0.095, −0.0475);
        // w = (0.95 − 0.095, −2.025 − 0.0475) = (0.855, −2.0725).
        var (w, slots) = RunSteps(new(OptimizerKind.Sgd, 0.1f, 1, Momentum: 0.9f), 2);
        Assert.That(w, Is.EqualTo(new[] { 0.855f, -2.0725f }).Within(1e-7f));
        Assert.That(slots[0], Is.EqualTo(new[] { -0.095f, -0.0475f }).Within(1e-7f));
        // Nesterov, step 1: m = (−0.05, −0.025); w ← w + 0.9·m − 0.1·g
        // = (1 − 0.045 − 0.05, −2 − 0.0225 − 0.025) = (0.905, −2.0475).
        Assert.That(RunSteps(new(OptimizerKind.Sgd, 0.1f, 1, Momentum: 0.9f, Nesterov: true), 1).W,
            Is.EqualTo(new[] { 0.905f, -2.0475f }).Within(1e-7f));
    }

    [Test]
    public void OptimizerUpdate_AdamFirstStep_MatchesHandComputation()
    {
        // w = (1, 1), g = (0.5, −2), lr = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7, t = 1.
        // m = 0.1·g = (0.05, −0.2); v = 0.001·g² = (0.00025, 0.004).
        // α = lr·√(1 − 0.999)/(1 − 0.9) = 0.001·0.0316227766/0.1 = 3.16227766e-4.
        // Since m = 0.1·g and √v = 0.0316227766·|g|, α·m/√v = lr·sign(g) exactly; with ε:
        // Δ = lr·sign(g)·√v/(√v + ε): √v = (0.0158113883, 0.0632455532), so
        // Δ = (0.001·(1 − 6.3245e-6), −0.001·(1 − 1.5811e-6)) and
        // w − Δ = (0.9990000063, 1.0009999984).
        var (w, slots) = RunSteps(new(OptimizerKind.Adam, 0.001f, 1), 1, g0: 0.5f, g1: -2f, w1: 1f);
        Assert.That(w, Is.EqualTo(new[] { 0.9990000063f, 1.0009999984f }).Within(2e-7f));
        // Within float32 rounding of the betas: 1 − 0.9f = 0.100000024 and 1 − 0.999f = 0.00099998713.
        Assert.That(slots[0], Is.EqualTo(new[] { 0.05f, -0.2f }).Within(1e-7f));
        Assert.That(slots[1], Is.EqualTo(new[] { 0.00025f, 0.004f }).Within(1e-7f));
    }

    [Test]
    public void OptimizerUpdate_LargeVariable_BitIdenticalOnOneAndTwoThreads()
    {
        const int n = 100_003; // several parallel chunks
        var rng = new Random(22);
        float[] w = ToFloats(Uniform(rng, n)), g = ToFloats(Uniform(rng, n));
        float[] Run(int threads)
        {
            using var wt = Tensor.FromArray(w, backend: _cpu);
            using var gt = Tensor.FromArray(g, backend: _cpu);
            using var m = Tensor.Zeros(new Shape(n), backend: _cpu);
            using var v = Tensor.Zeros(new Shape(n), backend: _cpu);
            var backend = new CpuBackend(threads: threads);
            for (int t = 1; t <= 2; t++) backend.OptimizerUpdate(new(OptimizerKind.Adam, 0.01f, t, WeightDecay: 0.004f), wt, gt, [m, v]);
            return wt.ToArray();
        }
        RandomKernelTests.AssertBitIdentical(Run(1), Run(2), "Adam on one and two threads");
    }

    [Test]
    public void OptimizerUpdate_WrongSlotCount_ThrowsNamingKind()
    {
        using var w = Tensor.Zeros(new Shape(3), backend: _cpu);
        using var g = Tensor.Zeros(new Shape(3), backend: _cpu);
        using var m = Tensor.Zeros(new Shape(3), backend: _cpu);
        var e = Assert.Throws<ArgumentException>(() => _cpu.OptimizerUpdate(new(OptimizerKind.Adam, 0.01f, 1, Amsgrad: true), w, g, [m, m]));
        Assert.That(e!.Message, Does.Contain("Adam").And.Contain("3 slots").And.Contain("got 2"));
    }

    [Test]
    public void OptimizerUpdate_SlotShapeMismatch_ThrowsNamingShapes()
    {
        using var w = Tensor.Zeros(new Shape(2, 3), backend: _cpu);
        using var g = Tensor.Zeros(new Shape(2, 3), backend: _cpu);
        using var m = Tensor.Zeros(new Shape(3, 2), backend: _cpu);
        var e = Assert.Throws<ShapeMismatchException>(() => _cpu.OptimizerUpdate(new(OptimizerKind.Lion, 0.01f, 1), w, g, [m]));
        Assert.That(e!.Message, Does.StartWith("OptimizerUpdate:").And.Contain("(3, 2)").And.Contain("(2, 3)"));
        using var g2 = Tensor.Zeros(new Shape(6), backend: _cpu);
        Assert.Throws<ShapeMismatchException>(() => _cpu.OptimizerUpdate(new(OptimizerKind.Sgd, 0.01f, 1), w, g2, []));
    }

    [Test]
    public void OptimizerUpdate_IterationZero_Throws()
    {
        using var w = Tensor.Zeros(new Shape(3), backend: _cpu);
        Assert.Throws<ArgumentOutOfRangeException>(() => _cpu.OptimizerUpdate(new(OptimizerKind.Sgd, 0.01f, 0), w, w, []));
    }

    // Runs `steps` steps (t = 1, 2, …) on w = (1, w1), g = (g0, g1) held fixed; returns w and the slots.
    private (float[] W, float[][] Slots) RunSteps(OptimizerStep step, int steps, float g0 = 0.5f, float g1 = 0.25f, float w1 = -2f)
    {
        using var w = Tensor.FromArray(new[] { 1f, w1 }, backend: _cpu);
        using var g = Tensor.FromArray(new[] { g0, g1 }, backend: _cpu);
        var slots = Enumerable.Range(0, CpuBackend.SlotCount(step)).Select(_ => Tensor.Zeros(new Shape(2), backend: _cpu)).ToList();
        for (int t = 1; t <= steps; t++) _cpu.OptimizerUpdate(step with { Iteration = t }, w, g, slots);
        var result = (w.ToArray(), slots.Select(s => s.ToArray()).ToArray());
        foreach (var s in slots) s.Dispose();
        return result;
    }

    private static double[] Uniform(Random rng, int n) => Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();

    private static float[] ToFloats(double[] v) => v.Select(x => (float)x).ToArray();

    // Tolerance 1e-6 absolute plus 1e-6 relative to the float64 reference.
    private static void AssertClose(double[] expected, float[] actual, string what) => AllClose.Assert(actual, expected, 1e-6, 1e-6, what);
}
