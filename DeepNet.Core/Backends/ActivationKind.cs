#nullable enable
namespace DeepNet.Backends;

/// <summary>
/// Activations with a fused forward/backward kernel. Formulas follow Keras 3
/// (keras/src/activations/activations.py) unless the name says otherwise; alpha is the
/// per-call parameter where one exists.
/// </summary>
public enum ActivationKind
{
    /// <summary>y = x.</summary>
    Linear,
    /// <summary>y = max(x, 0); gradient 0 at x = 0.</summary>
    Relu,
    /// <summary>y = min(max(x, 0), 6).</summary>
    Relu6,
    /// <summary>y = x if x &gt; 0 else alpha·x.</summary>
    LeakyRelu,
    /// <summary>y = x if x &gt; 0 else alpha·(exp(x) - 1).</summary>
    Elu,
    /// <summary>y = scale·(x if x &gt; 0 else a·(exp(x) - 1)), a = 1.67326324, scale = 1.05070098.</summary>
    Selu,
    /// <summary>Exact GELU: y = x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (Keras 3 default approximate=False).</summary>
    Gelu,
    /// <summary>Tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).</summary>
    GeluApproximate,
    /// <summary>y = 1 / (1 + exp(-x)).</summary>
    Sigmoid,
    /// <summary>Keras 3: y = relu6(x + 3) / 6.</summary>
    HardSigmoid,
    /// <summary>Keras 2: y = clip(0.2·x + 0.5, 0, 1).</summary>
    HardSigmoidKeras2,
    /// <summary>y = tanh(x).</summary>
    Tanh,
    /// <summary>y = log(1 + exp(x)), computed stably.</summary>
    Softplus,
    /// <summary>y = x / (1 + |x|).</summary>
    Softsign,
    /// <summary>Swish / SiLU: y = x·sigmoid(x).</summary>
    Swish,
    /// <summary>y = exp(x).</summary>
    Exponential,
}
