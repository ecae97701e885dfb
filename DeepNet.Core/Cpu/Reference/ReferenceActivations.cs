#nullable enable
namespace DeepNet.Backends.Cpu.Reference;

/// <summary>
/// Float64 reference for the activation kernels: f(x) and f'(x) for every
/// <see cref="ActivationKind"/>, written from the formulas (Keras 3 unless the kind says
/// otherwise), each derivative by hand so tests can check it against finite differences.
/// </summary>
public static class ReferenceActivations
{
    public const double SeluAlpha = 1.6732632423543772;
    public const double SeluScale = 1.0507009873554805;

    public static double Forward(ActivationKind kind, double x, double alpha = 0) => kind switch
    {
        ActivationKind.Linear => x,
        ActivationKind.Relu => Math.Max(x, 0),
        ActivationKind.Relu6 => Math.Min(Math.Max(x, 0), 6),
        ActivationKind.LeakyRelu => x > 0 ? x : alpha * x,
        ActivationKind.Elu => x > 0 ? x : alpha * ReferenceElementwise.Expm1(x),
        ActivationKind.Selu => x > 0 ? SeluScale * x : SeluScale * SeluAlpha * ReferenceElementwise.Expm1(x),
        // x·Φ(x) with Φ(x) = erfc(−x/√2)/2, which keeps its accuracy for large negative x.
        ActivationKind.Gelu => 0.5 * x * ReferenceElementwise.Erfc(-x / Math.Sqrt(2)),
        ActivationKind.GeluApproximate => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        ActivationKind.Sigmoid => 1 / (1 + Math.Exp(-x)),
        ActivationKind.HardSigmoid => Math.Min(Math.Max(x + 3, 0), 6) / 6,
        ActivationKind.HardSigmoidKeras2 => Math.Min(Math.Max(0.2 * x + 0.5, 0), 1),
        ActivationKind.Tanh => Math.Tanh(x),
        ActivationKind.Softplus => Math.Max(x, 0) + ReferenceElementwise.Log1p(Math.Exp(-Math.Abs(x))),
        ActivationKind.Softsign => x / (1 + Math.Abs(x)),
        ActivationKind.Swish => x / (1 + Math.Exp(-x)),
        ActivationKind.Exponential => Math.Exp(x),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>f'(x). At the kinks: Relu 0 at 0; Relu6 0 at 0 and 6; the hard sigmoids 0 at their corners.</summary>
    public static double Derivative(ActivationKind kind, double x, double alpha = 0)
    {
        switch (kind)
        {
            case ActivationKind.Linear: return 1;
            case ActivationKind.Relu: return x > 0 ? 1 : 0;
            case ActivationKind.Relu6: return x > 0 && x < 6 ? 1 : 0;
            case ActivationKind.LeakyRelu: return x > 0 ? 1 : alpha;
            case ActivationKind.Elu: return x > 0 ? 1 : alpha * Math.Exp(x);
            case ActivationKind.Selu: return x > 0 ? SeluScale : SeluScale * SeluAlpha * Math.Exp(x);
            case ActivationKind.Gelu:
                return 0.5 * ReferenceElementwise.Erfc(-x / Math.Sqrt(2)) + x * Math.Exp(-x * x / 2) / Math.Sqrt(2 * Math.PI);
            case ActivationKind.GeluApproximate:
            {
                double c = Math.Sqrt(2 / Math.PI);
                double t = Math.Tanh(c * (x + 0.044715 * x * x * x));
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
            }
            case ActivationKind.Sigmoid:
            {
                double s = 1 / (1 + Math.Exp(-x));
                return s * (1 - s);
            }
            case ActivationKind.HardSigmoid: return x > -3 && x < 3 ? 1.0 / 6 : 0;
            case ActivationKind.HardSigmoidKeras2: return x > -2.5 && x < 2.5 ? 0.2 : 0;
            case ActivationKind.Tanh:
            {
                double t = Math.Tanh(x);
                return 1 - t * t;
            }
            case ActivationKind.Softplus: return 1 / (1 + Math.Exp(-x));
            case ActivationKind.Softsign: return 1 / ((1 + Math.Abs(x)) * (1 + Math.Abs(x)));
            case ActivationKind.Swish:
            {
                double s = 1 / (1 + Math.Exp(-x));
                return s * (1 + x * (1 - s));
            }
            case ActivationKind.Exponential: return Math.Exp(x);
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }
}
