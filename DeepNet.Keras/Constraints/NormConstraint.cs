namespace DeepNet.Keras.Constraints;

/// <summary>Shared piece of the norm constraints: the L2 norms along an axis, kept for broadcasting.</summary>
internal static class NormConstraint
{
    /// <summary>Keras's fuzz factor added to the norms before dividing.</summary>
    public const float Epsilon = 1e-7f;

    public static Tensor Norms(Tensor w, int axis) => Ops.Sqrt(Ops.Sum(Ops.Square(w), [axis], keepDims: true));

    /// <summary>w · desired / (ε + norms).</summary>
    public static Tensor Rescale(Tensor w, Tensor norms, Tensor desired) =>
        Ops.Multiply(w, Ops.Divide(desired, Ops.Add(norms, Epsilon)));
}
