using DeepNet.Keras.Constraints;
using Newtonsoft.Json.Linq;
using static DeepNet.Tests.Keras.LeafTestData;
using ConstraintRegistry = DeepNet.Keras.Constraints.Constraints;

namespace DeepNet.Tests.Keras.Constraints;

/// <summary>MaxNorm, NonNeg, UnitNorm, MinMaxNorm against float64 references (ε = 1e-7 in the norms).</summary>
public class ConstraintTests
{
    private const int Rows = 4, Cols = 3;
    private const double Eps = 1e-7;

    /// <summary>Scales each slice along <paramref name="axis"/> of a (Rows, Cols) matrix by f(norm).</summary>
    private static double[] Rescale(double[] w, int axis, Func<double, double> desired)
    {
        var result = new double[w.Length];
        int slices = axis == 0 ? Cols : Rows, length = axis == 0 ? Rows : Cols;
        for (int s = 0; s < slices; s++)
        {
            double sq = 0;
            for (int k = 0; k < length; k++) { double v = w[axis == 0 ? k * Cols + s : s * Cols + k]; sq += v * v; }
            double norm = Math.Sqrt(sq);
            for (int k = 0; k < length; k++)
            {
                int i = axis == 0 ? k * Cols + s : s * Cols + k;
                result[i] = w[i] * desired(norm) / (Eps + norm);
            }
        }
        return result;
    }

    private static double[] Weights(int seed) => Uniform(new Random(seed), Rows * Cols, -2, 2);

    [TestCase(0)]
    [TestCase(1)]
    public void MaxNorm_CapsTheNormOfEachSlice(int axis)
    {
        var w = Weights(1);
        var actual = new MaxNorm(1.5, axis).Call(Tensor(w, Rows, Cols)).ToArray();
        AssertClose(actual, Rescale(w, axis, n => Math.Clamp(n, 0, 1.5)));
    }

    [Test]
    public void UnitNorm_ScalesColumnsToNormOne()
    {
        var w = Weights(2);
        AssertClose(new UnitNorm().Call(Tensor(w, Rows, Cols)).ToArray(), Rescale(w, 0, _ => 1.0));
    }

    [TestCase(1.0)]
    [TestCase(0.25)]
    public void MinMaxNorm_MovesNormsTowardsTheRangeAtRate(double rate)
    {
        var w = Weights(3);
        var actual = new MinMaxNorm(1.0, 2.0, rate, axis: 1).Call(Tensor(w, Rows, Cols)).ToArray();
        AssertClose(actual, Rescale(w, 1, n => rate * Math.Clamp(n, 1.0, 2.0) + (1 - rate) * n));
    }

    [Test]
    public void NonNeg_ZeroesNegativeWeights()
    {
        var w = Weights(4);
        AssertClose(new NonNeg().Call(Tensor(w, Rows, Cols)).ToArray(), w.Select(x => Math.Max(x, 0)).ToArray(), 0, 0);
    }

    [TestCase("MaxNorm", """{"max_value": 2, "axis": 0}""")]
    [TestCase("NonNeg", "{}")]
    [TestCase("UnitNorm", """{"axis": 0}""")]
    [TestCase("MinMaxNorm", """{"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}""")]
    public void DefaultConfig_EqualsKeras(string className, string expected)
    {
        var c = ConstraintRegistry.Get(className);
        Assert.That(c.ClassName, Is.EqualTo(className));
        AssertJsonEqual(c.GetConfig(), expected);
    }

    [TestCase("max_norm", typeof(MaxNorm))]
    [TestCase("non_neg", typeof(NonNeg))]
    [TestCase("unit_norm", typeof(UnitNorm))]
    [TestCase("min_max_norm", typeof(MinMaxNorm))]
    [TestCase("maxnorm", typeof(MaxNorm))]
    public void Get_AcceptsKerasNames(string name, Type expected)
    {
        Assert.That(ConstraintRegistry.Get(name), Is.InstanceOf(expected));
    }

    [Test]
    public void Config_RoundTripsThroughSerialize()
    {
        foreach (Constraint c in new Constraint[] { new MaxNorm(3.5, 1), new MinMaxNorm(0.5, 3, 0.5, 1), new UnitNorm(1), new NonNeg() })
        {
            var serialized = ConstraintRegistry.Serialize(c);
            Assert.That((string?)serialized["module"], Is.EqualTo("keras.constraints"));
            var back = ConstraintRegistry.Get(serialized)!;
            Assert.That(JToken.DeepEquals(back.GetConfig(), c.GetConfig()), Is.True, c.ClassName);
        }
    }
}
