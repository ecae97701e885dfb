namespace DeepNet.Keras.Losses;

/// <summary>
/// Keras's <c>convert_binary_labels_to_hinge</c>: when every label is 0 or 1 they become −1/1
/// (2y − 1); otherwise they are used as given. Decided on the device, without reading the labels
/// back: b = min over elements of [y = 0] + [y = 1] is 1 exactly when all labels are binary, and
/// y + b·(y − 1) is then 2y − 1.
/// </summary>
internal static class HingeLabels
{
    public static Tensor ToSigned(Tensor yTrue)
    {
        if (yTrue.Size == 0) return yTrue;
        var zero = Ops.ZerosLike(yTrue);
        var isBinary = Ops.Min(Ops.Add(Ops.Equal(yTrue, zero), Ops.Equal(yTrue, Ops.OnesLike(yTrue))));
        return Ops.Add(yTrue, Ops.Multiply(Ops.Subtract(yTrue, 1f), isBinary));
    }
}
