#nullable enable
using DeepNet.Autograd;
using DeepNet.Backends;

namespace DeepNet;

// Activations on the backend's fused kernels; formulas follow Keras 3 (see ActivationKind).
// The backward kernel gets both x and y, so each activation uses whichever is cheaper.
public static partial class Ops
{
    /// <summary>Applies an activation elementwise; <paramref name="alpha"/> is its parameter where it has one.</summary>
    public static Tensor Activation(Tensor x, ActivationKind kind, float alpha = 0f)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckFloat(kind.ToString(), x);
        var y = NewLike(x, x.Shape);
        x.Backend.Activation(kind, x, null, y, alpha);
        if (kind == ActivationKind.Sigmoid) RememberSigmoidLogits(y, x);
        if (Recording)
        {
            GradientTape.Record(kind.ToString(), y, [x], (dy, _) =>
            {
                var dx = NewLike(x, x.Shape);
                x.Backend.ActivationBackward(kind, x, y, dy, dx, alpha);
                return [dx];
            });
        }
        return y;
    }

    /// <summary>max(x, 0); the gradient at 0 is 0.</summary>
    public static Tensor Relu(Tensor x) => Activation(x, ActivationKind.Relu);

    public static Tensor Relu6(Tensor x) => Activation(x, ActivationKind.Relu6);

    /// <summary>x if x &gt; 0 else negativeSlope·x (Keras function default 0.2; the LeakyReLU layer uses 0.3).</summary>
    public static Tensor LeakyRelu(Tensor x, float negativeSlope = 0.2f) => Activation(x, ActivationKind.LeakyRelu, negativeSlope);

    public static Tensor Elu(Tensor x, float alpha = 1f) => Activation(x, ActivationKind.Elu, alpha);

    public static Tensor Selu(Tensor x) => Activation(x, ActivationKind.Selu);

    /// <summary>Exact GELU (Keras 3 default) or the tanh approximation.</summary>
    public static Tensor Gelu(Tensor x, bool approximate = false) =>
        Activation(x, approximate ? ActivationKind.GeluApproximate : ActivationKind.Gelu);

    public static Tensor Sigmoid(Tensor x) => Activation(x, ActivationKind.Sigmoid);

    /// <summary>Keras 3 hard sigmoid: relu6(x + 3) / 6.</summary>
    public static Tensor HardSigmoid(Tensor x) => Activation(x, ActivationKind.HardSigmoid);

    public static Tensor Tanh(Tensor x) => Activation(x, ActivationKind.Tanh);

    public static Tensor Softplus(Tensor x) => Activation(x, ActivationKind.Softplus);

    public static Tensor Softsign(Tensor x) => Activation(x, ActivationKind.Softsign);

    /// <summary>x·sigmoid(x) (also called SiLU).</summary>
    public static Tensor Swish(Tensor x) => Activation(x, ActivationKind.Swish);

    /// <summary>Same as <see cref="Swish"/>.</summary>
    public static Tensor Silu(Tensor x) => Activation(x, ActivationKind.Swish);
}
