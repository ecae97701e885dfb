using DeepNet.Autograd;
using DeepNet.Keras.Regularizers;
using DeepNet.Memory;
using Newtonsoft.Json.Linq;
using static DeepNet.Tests.Keras.LeafTestData;
using RegularizerRegistry = DeepNet.Keras.Regularizers.Regularizers;

namespace DeepNet.Tests.Keras.Regularizers;

/// <summary>L1, L2, L1L2: Keras's penalty (no ½), its gradient, configs and the registry.</summary>
public class RegularizerTests
{
    private static readonly double[] W = Uniform(new Random(1), 12, -1, 1);

    private static double SumAbs => W.Sum(Math.Abs);

    private static double SumSquares => W.Sum(x => x * x);

    [Test]
    public void L1_IsFactorTimesSumOfAbs()
    {
        AssertClose(new L1(0.3).Call(Tensor(W, 3, 4)).ToScalar(), 0.3 * SumAbs);
    }

    [Test]
    public void L2_IsFactorTimesSumOfSquares_WithoutOneHalf()
    {
        AssertClose(new L2().Call(Tensor(W, 3, 4)).ToScalar(), 0.01 * SumSquares);
    }

    [Test]
    public void L1L2_AddsBoth_AndZeroFactorsGiveZero()
    {
        AssertClose(new L1L2(0.2, 0.5).Call(Tensor(W, 12)).ToScalar(), 0.2 * SumAbs + 0.5 * SumSquares);
        Assert.That(new L1L2().Call(Tensor(W, 12)).ToScalar(), Is.EqualTo(0f));
    }

    [Test]
    public void L1L2_Gradient_IsL1SignPlus2L2W()
    {
        using var scope = TensorScope.Begin();
        var w = Tensor(W, 3, 4);
        using var tape = new GradientTape();
        var penalty = new L1L2(0.2, 0.5).Call(w);
        var grad = tape.Gradient(penalty, w)[0].ToArray();
        AssertClose(grad, W.Select(x => 0.2 * Math.Sign(x) + 2 * 0.5 * x).ToArray());
    }

    [Test]
    public void NegativeFactor_IsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new L2(-0.1));
        Assert.That(e!.Message, Does.Contain("l2"));
    }

    [TestCase("L1", """{"l1": 0.01}""")]
    [TestCase("L2", """{"l2": 0.01}""")]
    [TestCase("L1L2", """{"l1": 0.0, "l2": 0.0}""")]
    public void DefaultConfig_EqualsKeras(string className, string expected)
    {
        var r = RegularizerRegistry.Get(className);
        Assert.That(r.ClassName, Is.EqualTo(className));
        AssertJsonEqual(r.GetConfig(), expected);
    }

    [TestCase("l1", typeof(L1))]
    [TestCase("l2", typeof(L2))]
    [TestCase("l1l2", typeof(L1L2))]
    [TestCase("l1_l2", typeof(L1L2))]
    public void Get_AcceptsKerasNames(string name, Type expected)
    {
        Assert.That(RegularizerRegistry.Get(name), Is.InstanceOf(expected));
    }

    [Test]
    public void Serialize_RoundTrips_AndReadsLegacyK2Floats()
    {
        var serialized = RegularizerRegistry.Serialize(new L1L2(0.001, 0.02));
        AssertJsonEqual(serialized, """{"module": "keras.regularizers", "class_name": "L1L2", "config": {"l1": 0.001, "l2": 0.02}, "registered_name": null}""");
        var back = (L1L2)RegularizerRegistry.Get(serialized)!;
        Assert.That((back.L1, back.L2), Is.EqualTo((0.001, 0.02)));
        var legacy = (L2)RegularizerRegistry.Get(JToken.Parse("""{"class_name": "L2", "config": {"l2": 0.009999999776482582}}"""))!;
        Assert.That(legacy.Factor, Is.EqualTo(0.01).Within(1e-9));
    }
}
