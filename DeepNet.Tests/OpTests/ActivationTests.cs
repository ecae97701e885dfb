using DeepNet.Backends;
using DeepNet.Tests.Autograd;
using static DeepNet.Tests.Autograd.Float64;

namespace DeepNet.Tests.OpTests;

public class ActivationTests
{
    private const double SeluAlpha = 1.6732632423543772, SeluScale = 1.0507009873554805;

    /// <summary>Keras 3 formulas in float64.</summary>
    internal static double Reference(ActivationKind kind, double x, double alpha) => kind switch
    {
        ActivationKind.Linear => x,
        ActivationKind.Relu => Math.Max(x, 0),
        ActivationKind.Relu6 => Math.Clamp(x, 0, 6),
        ActivationKind.LeakyRelu => x > 0 ? x : alpha * x,
        ActivationKind.Elu => x > 0 ? x : alpha * (Math.Exp(x) - 1),
        ActivationKind.Selu => SeluScale * (x > 0 ? x : SeluAlpha * (Math.Exp(x) - 1)),
        ActivationKind.Gelu => 0.5 * x * (1 + Erf(x / Math.Sqrt(2))),
        ActivationKind.GeluApproximate => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-x)),
        ActivationKind.HardSigmoid => Math.Clamp(x + 3, 0, 6) / 6,
        ActivationKind.HardSigmoidKeras2 => Math.Clamp(0.2 * x + 0.5, 0, 1),
        ActivationKind.Tanh => Math.Tanh(x),
        ActivationKind.Softplus => Math.Log(1 + Math.Exp(x)),
        ActivationKind.Softsign => x / (1 + Math.Abs(x)),
        ActivationKind.Swish => x / (1 + Math.Exp(-x)),
        ActivationKind.Exponential => Math.Exp(x),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Values in [-7, 7] kept 0.05 away from every activation's kinks.</summary>
    internal static double[] Inputs(int count, int seed)
    {
        double[] kinks = [0, 2.5, -2.5, 3, -3, 6];
        var v = GradientCheck.Uniform(new Random(seed), count, -7, 7);
        for (int i = 0; i < v.Length; i++)
            foreach (var k in kinks)
                if (Math.Abs(v[i] - k) < 0.05) v[i] = k + 0.1;
        return v;
    }

    private static IEnumerable<ActivationKind> Kinds => Enum.GetValues<ActivationKind>();

    [TestCaseSource(nameof(Kinds))]
    public void Activation_EachKind_MatchesFiniteDifferences(ActivationKind kind)
    {
        float alpha = kind == ActivationKind.LeakyRelu ? 0.3f : kind == ActivationKind.Elu ? 0.7f : 0f;
        GradientCheck.Check($"Activation {kind}", x => DeepNet.Ops.Activation(x[0], kind, alpha),
            x => Map(x[0], v => Reference(kind, v, alpha)), [new Shape(4, 5)], [Inputs(20, (int)kind + 1)]);
    }

    [Test]
    public void NamedShortcuts_MatchActivationKinds()
    {
        (string, Func<Tensor, Tensor>, ActivationKind, double)[] cases =
        [
            ("Relu", DeepNet.Ops.Relu, ActivationKind.Relu, 0),
            ("Relu6", DeepNet.Ops.Relu6, ActivationKind.Relu6, 0),
            ("LeakyRelu", x => DeepNet.Ops.LeakyRelu(x), ActivationKind.LeakyRelu, 0.2),
            ("Elu", x => DeepNet.Ops.Elu(x), ActivationKind.Elu, 1),
            ("Selu", DeepNet.Ops.Selu, ActivationKind.Selu, 0),
            ("Gelu", x => DeepNet.Ops.Gelu(x), ActivationKind.Gelu, 0),
            ("Gelu approximate", x => DeepNet.Ops.Gelu(x, approximate: true), ActivationKind.GeluApproximate, 0),
            ("Sigmoid", DeepNet.Ops.Sigmoid, ActivationKind.Sigmoid, 0),
            ("HardSigmoid", DeepNet.Ops.HardSigmoid, ActivationKind.HardSigmoid, 0),
            ("Tanh", DeepNet.Ops.Tanh, ActivationKind.Tanh, 0),
            ("Softplus", DeepNet.Ops.Softplus, ActivationKind.Softplus, 0),
            ("Softsign", DeepNet.Ops.Softsign, ActivationKind.Softsign, 0),
            ("Swish", DeepNet.Ops.Swish, ActivationKind.Swish, 0),
            ("Silu", DeepNet.Ops.Silu, ActivationKind.Swish, 0),
        ];
        foreach (var (name, op, kind, alpha) in cases)
            GradientCheck.Check(name, x => op(x[0]), x => Map(x[0], v => Reference(kind, v, alpha)), [new Shape(6)], [Inputs(6, 99)]);
    }

    /// <summary>erf by its Maclaurin series for small |x|, by the continued-fraction tail beyond.</summary>
    internal static double Erf(double x)
    {
        if (Math.Abs(x) > 3)
        {
            // erfc(x) ≈ exp(−x²)/(x√π)·(1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶)); plenty for |x| > 3.
            double a = Math.Abs(x), x2 = a * a;
            double erfc = Math.Exp(-x2) / (a * Math.Sqrt(Math.PI)) * (1 - 1 / (2 * x2) + 3 / (4 * x2 * x2) - 15 / (8 * x2 * x2 * x2));
            return Math.Sign(x) * (1 - erfc);
        }
        double sum = 0, term = x;
        for (int n = 0; n < 100; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
