#nullable enable
namespace DeepNet;

// Arithmetic operators for tensors; each is the Ops function of the same name, so it is
// differentiable and broadcasts like numpy.
public sealed partial class Tensor
{
    public static Tensor operator +(Tensor a, Tensor b) => Ops.Add(a, b);

    public static Tensor operator -(Tensor a, Tensor b) => Ops.Subtract(a, b);

    public static Tensor operator *(Tensor a, Tensor b) => Ops.Multiply(a, b);

    public static Tensor operator /(Tensor a, Tensor b) => Ops.Divide(a, b);

    public static Tensor operator +(Tensor a, float b) => Ops.Add(a, b);

    public static Tensor operator +(float a, Tensor b) => Ops.Add(a, b);

    public static Tensor operator -(Tensor a, float b) => Ops.Subtract(a, b);

    public static Tensor operator -(float a, Tensor b) => Ops.Subtract(a, b);

    public static Tensor operator *(Tensor a, float b) => Ops.Multiply(a, b);

    public static Tensor operator *(float a, Tensor b) => Ops.Multiply(a, b);

    public static Tensor operator /(Tensor a, float b) => Ops.Divide(a, b);

    public static Tensor operator /(float a, Tensor b) => Ops.Divide(a, b);

    public static Tensor operator -(Tensor x) => Ops.Negate(x);
}
