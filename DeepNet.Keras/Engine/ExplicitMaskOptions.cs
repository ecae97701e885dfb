namespace DeepNet.Keras.Engine;

/// <summary>
/// A call given its mask explicitly (Keras <c>layer(x, mask=m)</c>): the node's last input is the
/// mask, which replaces the mask the graph would pass to the layer. The mask may be of any
/// dtype (a bool input holds 0/1; integers count as true where non-zero).
/// </summary>
public sealed record ExplicitMaskOptions : CallOptions
{
    /// <summary>The 0/1 float32 mask DeepNet's layers read, from a mask of any dtype (non-zero keeps).</summary>
    internal static Tensor ToLayerMask(Tensor mask)
    {
        using var noTape = NoTape.Begin();
        var asFloat = mask.DType == DType.Float32 ? mask : Ops.Cast(mask, DType.Float32);
        using var zero = Tensor.Zeros(new Shape(1), DType.Float32, mask.Backend);
        return Ops.NotEqual(asFloat, zero);
    }
}
